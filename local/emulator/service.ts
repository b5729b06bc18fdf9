/**
 * One API request from arrival to answer, in the order the service works:
 * route, faults, authentication, parsing, validation, authorization,
 * idempotency, the operation itself, serialization.
 *
 * It knows nothing of sockets: it returns what to answer, or that the
 * connection must be dropped, and the server carries that out.
 */
import { authenticate } from './authentication';
import { authorizeUserManagement } from './authorization';
import { EmulatorBehaviour } from './behaviour';
import { CredentialStore, Principal } from './credentials';
import { Environments } from './environment';
import { ServiceError, frontDoorError, modeledError } from './errors';
import { FaultDecision, FaultInjector, FaultKind } from './faults';
import { IdempotencyCache, fingerprintOf, idempotencyKey } from './idempotency';
import { newRequestId } from './ids';
import { OperationName, declaredErrorsOf, idempotencyMembersOf, inputShapeOf, serviceModel } from './model';
import { USER_OPERATIONS, getProgrammaticAccessCredentials } from './operations';
import { PageTokens } from './pagination';
import { HttpAnswer, OperationInput, OperationOutput, Router, WireRequest, deserializeInput, serializeError, serializeOutput } from './protocol';
import { describeViolations, validateStructure } from './validation';

/** The record of an API request the emulator answered (admin routes are not recorded). Sensitive values never enter it. */
export interface CallRecord {
  /** `UnknownOperation` when no operation matched the method and path. */
  readonly operation: OperationName | 'UnknownOperation';
  /** From the vended credentials, or the environmentId asked for credentials. */
  readonly environmentId?: string;
  /** The status answered; 0 when the connection was reset before anything was done. */
  readonly statusCode: number;
  readonly errorType?: string;
  readonly fault?: FaultKind;
  /** Emulator clock, ms. */
  readonly time: number;
  readonly requestId: string;
  /** The request's clientToken, to check that a client's retries reuse it. */
  readonly clientToken?: string;
  /** True when the answer replayed an earlier one with the same clientToken. */
  readonly replayed?: boolean;
}

export interface ServiceSettings {
  readonly region: string;
  readonly environments: Environments;
  readonly credentials: CredentialStore;
  now(): number;
  behaviour(): EmulatorBehaviour;
  faults(): FaultInjector | undefined;
  /** Waits real time, for injected latency. */
  sleep(ms: number): Promise<void>;
}

export interface ServiceOutcome {
  /** Absent when the connection must be dropped without an answer. */
  readonly answer?: HttpAnswer;
  readonly call: CallRecord;
}

type CallDetails = { -readonly [Key in 'environmentId' | 'clientToken' | 'replayed' | 'fault']?: CallRecord[Key] };

export class FinSpaceDataService {
  private readonly router = new Router();
  private readonly idempotency = new IdempotencyCache();
  private readonly pages = new PageTokens();

  constructor(private readonly settings: ServiceSettings) {}

  async handle(request: WireRequest): Promise<ServiceOutcome> {
    const requestId = newRequestId();
    const route = this.router.match(request.method, request.rawPath);
    if (!route) {
      const error = frontDoorError('UnknownOperationException', `No operation matches ${request.method} ${request.rawPath}.`);
      return this.answerError('UnknownOperation', error, requestId, {});
    }
    const { operation } = route;
    const decision: FaultDecision = this.settings.faults()?.decide(operation, this.settings.now()) ?? { latencyMs: 0 };
    if (decision.latencyMs > 0) await this.settings.sleep(decision.latencyMs);
    const { fault } = decision;
    if (fault === 'throttle' || fault === 'rate-limit') {
      return this.answerError(operation, modeledError('ThrottlingException', 'Rate exceeded'), requestId, { fault });
    }
    if (fault === 'server-error') {
      return this.answerError(operation, modeledError('InternalServerException', 'An internal error occurred (injected fault).'), requestId, { fault });
    }
    if (fault === 'reset') return { call: { operation, statusCode: 0, fault, time: this.settings.now(), requestId } };

    const now = this.settings.now();
    // A request carried out whose connection then drops: its effect stays, its answer is lost.
    const details: CallDetails = { fault: fault === 'reset-after-write' ? fault : undefined };
    try {
      const signingService = serviceModel.metadata.signingName;
      const principal = await authenticate(request, this.settings.credentials, { signingService, region: this.settings.region, now });
      if (principal.kind === 'vended') details.environmentId = principal.environmentId;
      const input = deserializeInput(route, request);
      if (operation === 'GetProgrammaticAccessCredentials') details.environmentId = input.environmentId as string | undefined;
      details.clientToken = idempotencyMembersOf(operation).map((member) => input[member]).find((token) => typeof token === 'string') as string;
      const violations = validateStructure(inputShapeOf(operation), input);
      if (violations.length > 0) throw modeledError('ValidationException', describeViolations(violations), 'INVALID_PARAMETER');
      const output = this.run(operation, input, principal, now, details);
      const answer = serializeOutput(operation, output, requestId);
      const call = withoutUndefined({ operation, statusCode: answer.statusCode, time: now, requestId, ...details });
      return details.fault ? { call } : { answer, call };
    } catch (error) {
      return this.answerError(operation, asDeclaredError(operation, error), requestId, details);
    }
  }

  private run(operation: OperationName, input: OperationInput, principal: Principal, now: number, details: CallDetails): OperationOutput {
    const behaviour = this.settings.behaviour();
    if (operation === 'GetProgrammaticAccessCredentials') {
      return getProgrammaticAccessCredentials(this.settings, { principal, now, behaviour }, input as never);
    }
    const environmentOfCaller = principal.kind === 'vended' ? this.settings.environments.get(principal.environmentId) : undefined;
    environmentOfCaller?.settle(now);
    const environment = authorizeUserManagement(operation, principal, environmentOfCaller);
    // Handlers see the parameters; the token is idempotency's business.
    const tokenMembers = idempotencyMembersOf(operation);
    const parameters = Object.fromEntries(Object.entries(input).filter(([name]) => !tokenMembers.includes(name)));
    const key = details.clientToken === undefined ? undefined : idempotencyKey(environment.environmentId, operation, details.clientToken);
    const fingerprint = fingerprintOf(parameters);
    if (key !== undefined) {
      const verdict = this.idempotency.check(key, fingerprint, now, behaviour.clientTokenTtlMs);
      if (verdict.kind === 'conflict') {
        throw modeledError('ConflictException', `The clientToken was already used for ${operation} with different parameters.`, 'CLIENT_TOKEN_REUSED');
      }
      if (verdict.kind === 'replay') {
        details.replayed = true;
        return verdict.output;
      }
    }
    // The input passed the model's validation, which is what the handler's input type states.
    const output = USER_OPERATIONS[operation]({ environment, now, behaviour, pages: this.pages }, parameters as never);
    if (key !== undefined) this.idempotency.remember(key, fingerprint, output, now, behaviour.clientTokenTtlMs);
    return output;
  }

  private answerError(operation: OperationName | 'UnknownOperation', error: ServiceError, requestId: string, details: CallDetails): ServiceOutcome {
    const { statusCode, errorType } = error;
    const call = withoutUndefined({ operation, statusCode, errorType, time: this.settings.now(), requestId, ...details });
    // A failed request has no effect, but the connection still drops when that fault was drawn.
    return details.fault === 'reset-after-write' ? { call } : { answer: serializeError(error, requestId), call };
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

/**
 * An error of the model that the operation does not declare, or any other
 * exception, is a defect of the emulator: it is answered as a 500 that says so
 * rather than as something the real service could never send.
 */
export function asDeclaredError(operation: OperationName, error: unknown): ServiceError {
  if (error instanceof ServiceError) {
    if (!error.modeled || declaredErrorsOf(operation).includes(error.errorType)) return error;
    return modeledError('InternalServerException', `Emulator defect: ${operation} does not declare ${error.errorType}.`);
  }
  return modeledError('InternalServerException', `Emulator defect: ${error instanceof Error ? error.message : String(error)}`);
}
