/**
 * Turns a raw response into the operation's output, or into a FinSpaceDataError.
 */
import { errorFromResponse, FinSpaceDataError, requestIdOf } from './errors';
import type { OperationName, OperationOutput } from './model';
import { OPERATIONS, type OperationDescriptor } from './operations';
import type { RawResponse } from './transport';

export function deserializeResponse<Op extends OperationName>(
  operation: Op,
  response: RawResponse,
  sensitiveValues: readonly string[],
): OperationOutput<Op> {
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw errorFromResponse(operation, response, sensitiveValues);
  }
  const descriptor: OperationDescriptor = OPERATIONS[operation];
  const output: Record<string, unknown> = { ...parseBody(operation, response) };
  if (descriptor.statusCodeMember) output[descriptor.statusCodeMember] = response.statusCode;
  return output as OperationOutput<Op>;
}

function parseBody(operation: OperationName, response: RawResponse): Record<string, unknown> {
  if (response.body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FinSpaceDataError({
      name: 'DeserializationError',
      message: `${operation} answered HTTP ${response.statusCode} with a body that is not a JSON object`,
      statusCode: response.statusCode,
      operation,
      requestId: requestIdOf(response.headers),
    });
  }
  return parsed as Record<string, unknown>;
}
