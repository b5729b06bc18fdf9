/**
 * The FinSpace calls the handler makes, on the AWS SDK v2 Finspacedata client:
 * the only packaged FinSpace Data client left, and so the alternative to this
 * library's own client. Same two-step authorization (the role's keys fetch
 * FinSpace credentials, which sign everything else), same errors
 * (FinSpaceDataError), same attempts per call; it exists to be bundled and
 * timed beside the real handler (bench/scenarios/handler-cost.ts).
 */
import Finspacedata from 'aws-sdk/clients/finspacedata';
import { FinSpaceDataError, type OperationInput, type OperationName, type OperationOutput } from '../../lambda/finspace';

/** Attempts per call, first one included, as the handler's own client makes. */
const MAX_ATTEMPTS = 8;
/** Renew FinSpace credentials this long before they expire. */
const RENEWAL_MARGIN_MS = 5 * 60_000;

interface Vended {
  readonly client: Finspacedata;
  readonly expiresAt: number;
}

interface SdkError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message: string;
  readonly requestId?: string;
}

export class AwsSdkV2FinSpaceClient {
  private vended?: Vended;
  private readonly base: Finspacedata;

  constructor(public readonly environmentId: string) {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new Error('No base AWS credentials in the environment.');
    this.base = client({ accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN || undefined });
  }

  public async send<Op extends OperationName>(operation: Op, input: OperationInput<Op>): Promise<OperationOutput<Op>> {
    const finspace = operation === 'GetProgrammaticAccessCredentials' ? this.base : await this.session();
    const method = operation.charAt(0).toLowerCase() + operation.slice(1);
    const call = (finspace as unknown as Record<string, (input: unknown) => { promise(): Promise<unknown> }>)[method];
    try {
      return await call.call(finspace, input).promise() as OperationOutput<Op>;
    } catch (error) {
      throw asFinSpaceError(operation, error as SdkError);
    }
  }

  public associateUserToPermissionGroup(input: OperationInput<'AssociateUserToPermissionGroup'>) {
    return this.send('AssociateUserToPermissionGroup', input);
  }

  public disassociateUserFromPermissionGroup(input: OperationInput<'DisassociateUserFromPermissionGroup'>) {
    return this.send('DisassociateUserFromPermissionGroup', input);
  }

  public createPermissionGroup(input: OperationInput<'CreatePermissionGroup'>) {
    return this.send('CreatePermissionGroup', input);
  }

  public updatePermissionGroup(input: OperationInput<'UpdatePermissionGroup'>) {
    return this.send('UpdatePermissionGroup', input);
  }

  public deletePermissionGroup(input: OperationInput<'DeletePermissionGroup'>) {
    return this.send('DeletePermissionGroup', input);
  }

  public getPermissionGroup(input: OperationInput<'GetPermissionGroup'>) {
    return this.send('GetPermissionGroup', input);
  }

  private async session(): Promise<Finspacedata> {
    if (this.vended && Date.now() < this.vended.expiresAt - RENEWAL_MARGIN_MS) return this.vended.client;
    const issuedAt = Date.now();
    const answer = await this.send('GetProgrammaticAccessCredentials', { environmentId: this.environmentId, durationInMinutes: 60 });
    const { accessKeyId, secretAccessKey, sessionToken } = answer.credentials ?? {};
    if (!accessKeyId || !secretAccessKey) throw new Error('GetProgrammaticAccessCredentials answered without credentials.');
    this.vended = {
      client: client({ accessKeyId, secretAccessKey, sessionToken }),
      expiresAt: issuedAt + (answer.durationInMinutes ?? 60) * 60_000,
    };
    return this.vended.client;
  }
}

function client(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Finspacedata {
  return new Finspacedata({
    region: process.env.AWS_REGION,
    endpoint: process.env.AWS_ENDPOINT_URL_FINSPACE_DATA || undefined,
    credentials,
    maxRetries: MAX_ATTEMPTS - 1,
  });
}

function asFinSpaceError(operation: OperationName, error: SdkError): unknown {
  // Failures without an HTTP answer (sockets, DNS) stay as they are, as in the handler's client.
  if (error.statusCode === undefined || error.code === undefined) return error;
  return new FinSpaceDataError({
    name: error.code,
    statusCode: error.statusCode,
    operation,
    message: error.message,
    requestId: error.requestId,
  });
}
