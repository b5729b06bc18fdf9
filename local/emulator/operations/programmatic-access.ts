/**
 * GetProgrammaticAccessCredentials: the one operation IAM authorizes, and the
 * only one that names its environment. It vends temporary keys that act as the
 * FinSpace user registered for the caller's role.
 */
import { denied } from '../authorization';
import { EmulatorBehaviour } from '../behaviour';
import { IamPrincipal, Principal } from '../credentials';
import { OperationOutput } from '../protocol';
import type { ServiceSettings } from '../service';

const CREDENTIALS_ACTION = 'finspace-api:GetProgrammaticAccessCredentials';

interface GetProgrammaticAccessCredentialsInput {
  readonly environmentId: string;
  readonly durationInMinutes?: number;
}

/**
 * The IAM layer first, then the FinSpace user the principal may obtain
 * credentials for. An unknown environment is an AccessDeniedException too: the
 * operation's error list has no ResourceNotFoundException, and IAM-style APIs
 * do not reveal which resources exist to callers who may not use them.
 */
export function getProgrammaticAccessCredentials(
  { environments, credentials, region }: ServiceSettings,
  request: { readonly principal: Principal; readonly now: number; readonly behaviour: EmulatorBehaviour },
  input: GetProgrammaticAccessCredentialsInput,
): OperationOutput {
  const { principal, now, behaviour } = request;
  const { environmentId } = input;
  if (principal.kind !== 'iam') {
    throw denied(
      'Temporary FinSpace credentials are not authorized to call GetProgrammaticAccessCredentials; ' +
        'sign it with the IAM credentials of the role registered on a FinSpace user.',
    );
  }
  if (!principal.allowGetProgrammaticAccessCredentials) {
    throw denied(
      `User: ${principal.roleArn} is not authorized to perform: ${CREDENTIALS_ACTION} on resource: ` +
        `${credentialsResourceArn(principal, region)} because no identity-based policy allows the ${CREDENTIALS_ACTION} action`,
    );
  }
  const environment = environments.get(environmentId);
  if (!environment) throw denied(`No FinSpace environment '${environmentId}' exists in this account.`);
  environment.settle(now);
  const registered = environment.usersWithPrincipal(principal.roleArn);
  if (registered.length === 0) {
    throw denied(`No FinSpace user in environment '${environmentId}' has API access registered for principal '${principal.roleArn}'.`);
  }
  // With duplicates allowed, any registered user that qualifies will do; the first explains a refusal.
  const candidates = behaviour.uniqueApiAccessPrincipals ? registered.slice(0, 1) : registered;
  const user = candidates.find((candidate) => candidate.status === 'ENABLED' && candidate.apiAccess === 'ENABLED');
  if (!user) {
    const [first] = candidates;
    const refusal = first.status !== 'ENABLED' ? `is ${first.status}, not ENABLED` : 'does not have API access enabled';
    throw denied(`The FinSpace user '${first.userId}' registered for principal '${principal.roleArn}' ${refusal}.`);
  }
  const durationInMinutes = input.durationInMinutes ?? behaviour.defaultCredentialDurationMinutes;
  const vended = credentials.vend(environmentId, user.userId, now, durationInMinutes * 60_000);
  const { accessKeyId, secretAccessKey, sessionToken } = vended;
  return { credentials: { accessKeyId, secretAccessKey, sessionToken }, durationInMinutes };
}

function credentialsResourceArn(principal: IamPrincipal, region: string): string {
  const [, partition = 'aws', , , account = ''] = principal.roleArn.split(':');
  return `arn:${partition}:finspace-api:${region}:${account}:/credentials/programmatic`;
}
