/**
 * A request handler that never touches the network: it records every request
 * and answers from a function, so tests can see exactly what the client sends.
 */
import type { HttpRequest, HttpResponse } from '@smithy/types';
import type { RequestHandler } from '../../../../lambda/finspace';

export interface CannedResponse {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export const VENDED = {
  accessKeyId: 'ASIAVENDEDEXAMPLE',
  secretAccessKey: 'vended-secret-not-for-logs',
  sessionToken: 'vended-session-token-not-for-logs',
} as const;

export const BASE = {
  accessKeyId: 'AKIABASEEXAMPLE',
  secretAccessKey: 'base-secret-not-for-logs',
} as const;

/** Answers GetProgrammaticAccessCredentials with VENDED and everything else with `{}`. */
export function defaultAnswer(request: HttpRequest): CannedResponse {
  if (request.path.endsWith('/credentials/programmatic')) {
    return { statusCode: 200, body: { credentials: VENDED, durationInMinutes: 60 } };
  }
  return { statusCode: 200, body: {} };
}

export class CapturingHandler implements RequestHandler {
  public readonly requests: HttpRequest[] = [];

  constructor(private readonly answer: (request: HttpRequest) => CannedResponse | Error = defaultAnswer) {}

  public async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    this.requests.push(request);
    const answer = this.answer(request);
    if (answer instanceof Error) throw answer;
    const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return { response: { statusCode: answer.statusCode, headers: answer.headers ?? {}, body: Buffer.from(body) } };
  }

  /** Requests other than the credential exchange. */
  public get operationRequests(): HttpRequest[] {
    return this.requests.filter((request) => !request.path.endsWith('/credentials/programmatic'));
  }
}
