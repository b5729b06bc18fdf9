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
import { CallRecord } from './calls';
import { Principal } from './credentials';
import { EmulatorState } from './emulator-state';
import { Reason, ServiceError, frontDoorError, modeledError } from './errors';
import { FaultDecision, FaultInjector } from './faults';
import { IdempotencyCache, fingerprintOf, idempotencyKey } from './idempotency';
import { newRequestId } from './ids';
import { OperationName, declaredErrorsOf, idempotencyMembersOf, inputShapeOf, serviceModel } from './model';
import { USER_OPERATIONS, getProgrammaticAccessCredentials } from './operations';
import { PageTokens } from './pagination';
import { HttpAnswer, OperationInput, OperationOutput, deserializeInput, serializeError, serializeOutput } from './protocol';
import { RouteMatch, Router } from './router';
import { WireRequest } from './sigv4';
import { describeViolations, validateStructure } from './validation';

export interface ServiceSettings {
  readonly region: string;
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

interface Completed {
  readonly output: OperationOutput;
  readonly replayed: boolean;
}

export class FinSpaceDataService {
  private readonly router = new Router();
  private readonly idempotency = new IdempotencyCache();
  private readonly pages = new PageTokens();

  constructor(private readonly state: EmulatorState, private readonly settings: ServiceSettings) {}

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
    return this.injectedFault(operation, decision, requestId) ?? this.execute(operation, route, request, requestId, decision);
  }

  /** The outcome of a fault that stops the request before it does anything, if one was drawn. */
  private injectedFault(operation: OperationName, decision: FaultDecision, requestId: string): ServiceOutcome | undefined {
    switch (decision.fault) {
      case 'throttle':
      case 'rate-limit':
        return this.answerError(operation, modeledError('ThrottlingException', 'Rate exceeded'), requestId, { fault: decision.fault });
      case 'server-error': {
        const error = modeledError('InternalServerException', 'An internal error occurred (injected fault).');
        return this.answerError(operation, error, requestId, { fault: decision.fault });
      }
      case 'reset':
        return { call: { operation, statusCode: 0, fault: 'reset', time: this.settings.now(), requestId } };
      default:
        return undefined;
    }
  }

  private async execute(
    operation: OperationName,
    route: RouteMatch,
    request: WireRequest,
    requestId: string,
    decision: FaultDecision,
  ): Promise<ServiceOutcome> {
    const now = this.settings.now();
    const details: { environmentId?: string; clientToken?: string; replayed?: boolean } = {};
    let answer: HttpAnswer;
    try {
      const principal = await authenticate(request, this.state.credentials, {
        signingService: serviceModel.metadata.signingName,
        region: this.settings.region,
        now,
      });
      if (principal.kind === 'vended') details.environmentId = principal.environmentId;
      const input = deserializeInput(operation, { rawLabels: route.rawLabels, query: request.query, body: request.body });
      if (operation === 'GetProgrammaticAccessCredentials') details.environmentId = input.environmentId as string | undefined;
      details.clientToken = clientTokenOf(operation, input);
      const violations = validateStructure(inputShapeOf(operation), input);
      if (violations.length > 0) {
        throw modeledError('ValidationException', describeViolations(violations), Reason.INVALID_PARAMETER);
      }
      const completed = this.run(operation, input, principal, now);
      details.replayed = completed.replayed || undefined;
      answer = serializeOutput(operation, completed.output, requestId);
    } catch (error) {
      return this.answerError(operation, asDeclaredError(operation, error), requestId, details, decision);
    }
    const call: CallRecord = { operation, statusCode: answer.statusCode, time: now, requestId, ...details };
    if (decision.fault === 'reset-after-write') return { call: { ...call, fault: 'reset-after-write' } };
    return { answer, call };
  }

  private run(operation: OperationName, input: OperationInput, principal: Principal, now: number): Completed {
    const behaviour = this.settings.behaviour();
    if (operation === 'GetProgrammaticAccessCredentials') {
      const output = getProgrammaticAccessCredentials(
        {
          principal,
          environments: this.state.environments,
          credentials: this.state.credentials,
          region: this.settings.region,
          now,
          behaviour,
        },
        input as { environmentId: string; durationInMinutes?: number },
      );
      return { output, replayed: false };
    }
    const environmentOfCaller = principal.kind === 'vended' ? this.state.environments.get(principal.environmentId) : undefined;
    environmentOfCaller?.settle(now);
    const { environment, user } = authorizeUserManagement(operation, principal, environmentOfCaller);

    const clientToken = clientTokenOf(operation, input);
    const key = clientToken === undefined ? undefined : idempotencyKey(environment.environmentId, operation, clientToken);
    const fingerprint = fingerprintOf(input, idempotencyMembersOf(operation));
    if (key !== undefined) {
      const verdict = this.idempotency.check(key, fingerprint, now, behaviour.clientTokenTtlMs);
      if (verdict.kind === 'replay') return { output: verdict.output, replayed: true };
      if (verdict.kind === 'conflict') {
        throw modeledError(
          'ConflictException',
          `The clientToken was already used for ${operation} with different parameters.`,
          Reason.CLIENT_TOKEN_REUSED,
        );
      }
    }
    const handler = USER_OPERATIONS[operation];
    // The input passed the model's validation, which is what the handler's input type states.
    const output = handler({ environment, actingUser: user, now, behaviour, pages: this.pages }, input as never);
    if (key !== undefined) this.idempotency.remember(key, fingerprint, output, now, behaviour.clientTokenTtlMs);
    return { output, replayed: false };
  }

  private answerError(
    operation: OperationName | 'UnknownOperation',
    error: ServiceError,
    requestId: string,
    details: Partial<CallRecord>,
    decision?: FaultDecision,
  ): ServiceOutcome {
    const call: CallRecord = {
      operation,
      statusCode: error.statusCode,
      errorType: error.errorType,
      time: this.settings.now(),
      requestId,
      ...details,
    };
    // A failed request has no effect, but the connection still drops when that fault was drawn.
    if (decision?.fault === 'reset-after-write') return { call: { ...call, fault: 'reset-after-write' } };
    return { answer: serializeError(error, requestId), call };
  }
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

function clientTokenOf(operation: OperationName, input: OperationInput): string | undefined {
  for (const member of idempotencyMembersOf(operation)) {
    const token = input[member];
    if (typeof token === 'string') return token;
  }
  return undefined;
}
