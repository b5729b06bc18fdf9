/**
 * Unsigned admin routes for tools in another process (scripts, an emulator started with
 * the CLI). The prefix cannot clash with the API: no FinSpace route starts with an underscore.
 */
import type { FinSpaceEmulator } from './emulator';
import { FaultOptions } from './faults';
import { HttpAnswer, jsonAnswer } from './protocol';

export const ADMIN_PREFIX = '/_emulator/';

type AdminAction = (target: FinSpaceEmulator, body: any) => unknown;

/** A change, answered with what `read` then reads. */
const changeThen = (change: AdminAction, read: AdminAction): AdminAction => (target, body) => {
  change(target, body);
  return read(target, body);
};
const snapshot: AdminAction = (target) => target.snapshot();
const behaviour: AdminAction = (target) => target.behaviour;
const faultState: AdminAction = (target) => ({ options: target.faults ?? null, counts: target.faultCounts() });
const clock: AdminAction = (target) => ({ now: target.now() });

const ROUTES: Record<string, Partial<Record<string, AdminAction>>> = {
  'state': { GET: snapshot },
  'seed': { POST: changeThen((target, body) => target.seed(body), snapshot) },
  'behaviour': { GET: behaviour, POST: changeThen((target, body) => target.setBehaviour(body), behaviour) },
  'faults': { GET: faultState, POST: changeThen((target, body) => target.setFaults(body === null ? undefined : (body as FaultOptions)), faultState) },
  'calls': { GET: (target) => target.calls, DELETE: changeThen((target) => target.resetCalls(), () => []) },
  'expire-credentials': {
    POST: changeThen((target, body) => {
      if (body?.environmentId !== undefined && typeof body.environmentId !== 'string') throw new Error('environmentId must be a string');
      target.expireCredentials(body?.environmentId);
    }, () => ({})),
  },
  'clock': {
    GET: clock,
    POST: changeThen((target, body) => {
      if (!Number.isSafeInteger(body?.advanceMs) || body.advanceMs < 0) throw new Error('advanceMs must be an integer >= 0');
      target.advanceClock(body.advanceMs);
    }, clock),
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
