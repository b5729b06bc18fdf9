/**
 * Unsigned admin routes under `/_emulator/`, for tools running in another
 * process (scripts, an emulator started with the CLI). The prefix cannot clash
 * with the API: no FinSpace route starts with an underscore.
 */
import type { FinSpaceEmulator } from './emulator';
import { FaultOptions } from './faults';
import { HttpAnswer, jsonAnswer } from './protocol';

export const ADMIN_PREFIX = '/_emulator/';

type AdminAction = (target: FinSpaceEmulator, body: unknown) => unknown;

const faultState = (target: FinSpaceEmulator) => ({ options: target.faults ?? null, counts: target.faultCounts() });

const ROUTES: Record<string, Partial<Record<string, AdminAction>>> = {
  'state': { GET: (target) => target.snapshot() },
  'seed': {
    POST: (target, body) => {
      target.seed(body as never);
      return target.snapshot();
    },
  },
  'behaviour': {
    GET: (target) => target.behaviour,
    POST: (target, body) => {
      target.setBehaviour(body as never);
      return target.behaviour;
    },
  },
  'faults': {
    GET: faultState,
    POST: (target, body) => {
      target.setFaults(body === null ? undefined : (body as FaultOptions));
      return faultState(target);
    },
  },
  'calls': {
    GET: (target) => target.calls,
    DELETE: (target) => {
      target.resetCalls();
      return [];
    },
  },
  'expire-credentials': {
    POST: (target, body) => {
      const environmentId = (body as { environmentId?: unknown } | null)?.environmentId;
      if (environmentId !== undefined && typeof environmentId !== 'string') throw new Error('environmentId must be a string');
      target.expireCredentials(environmentId);
      return {};
    },
  },
  'clock': {
    GET: (target) => ({ now: target.now() }),
    POST: (target, body) => {
      const advanceMs = (body as { advanceMs?: unknown } | null)?.advanceMs;
      if (!Number.isSafeInteger(advanceMs) || (advanceMs as number) < 0) throw new Error('advanceMs must be an integer >= 0');
      target.advanceClock(advanceMs as number);
      return { now: target.now() };
    },
  },
};

/** Answers `{ message }` with 400 for a request the target refuses, 404/405 for unknown routes. */
export function handleAdminRequest(target: FinSpaceEmulator, method: string, rawPath: string, body: Buffer, requestId: string): HttpAnswer {
  const name = rawPath.slice(ADMIN_PREFIX.length);
  const route = ROUTES[name];
  if (!route) {
    return jsonAnswer(404, { message: `Unknown admin route; known: ${Object.keys(ROUTES).map((key) => ADMIN_PREFIX + key).join(', ')}` }, requestId);
  }
  const action = route[method];
  if (!action) return jsonAnswer(405, { message: `${ADMIN_PREFIX}${name} accepts ${Object.keys(route).join(', ')}` }, requestId);
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? null : JSON.parse(body.toString('utf8'));
  } catch {
    return jsonAnswer(400, { message: 'The request body is not valid JSON.' }, requestId);
  }
  try {
    return jsonAnswer(200, action(target, parsed), requestId);
  } catch (error) {
    return jsonAnswer(400, { message: (error as Error).message }, requestId);
  }
}
