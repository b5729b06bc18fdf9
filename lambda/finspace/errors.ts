/**
 * The one error type for failed FinSpace Data responses, and how it is read off
 * the wire (rest-json: `x-amzn-errortype` header and/or a JSON body).
 *
 * Network failures (ECONNRESET, timeouts, ...) are not wrapped: they surface as
 * Node's own errors with their `code`, like they do from the AWS SDK.
 */
import type { OperationName } from './model';

/** Errors the model declares for these operations. */
export type ModeledErrorName =
  | 'AccessDeniedException'
  | 'ConflictException'
  | 'InternalServerException'
  | 'LimitExceededException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException'
  | 'ValidationException';

/** Errors of the AWS authentication layer, which the model does not list. */
export type AuthErrorName =
  | 'MissingAuthenticationTokenException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'ExpiredTokenException';

/** Any other name the service may send is kept verbatim, hence `string`. */
export type FinSpaceErrorName = ModeledErrorName | AuthErrorName | (string & {});

export interface FinSpaceDataErrorProps {
  readonly name: string;
  readonly message: string;
  readonly statusCode: number;
  readonly operation: OperationName;
  readonly reason?: string;
  readonly requestId?: string;
}

export class FinSpaceDataError extends Error {
  /** The service's error type, e.g. `ResourceNotFoundException`. */
  public override readonly name: FinSpaceErrorName;
  public readonly statusCode: number;
  public readonly operation: OperationName;
  /** Machine-readable detail some errors carry (Conflict, ResourceNotFound, Validation). */
  public readonly reason?: string;
  public readonly requestId?: string;

  constructor(props: FinSpaceDataErrorProps) {
    super(props.message);
    this.name = props.name;
    this.statusCode = props.statusCode;
    this.operation = props.operation;
    this.reason = props.reason;
    this.requestId = props.requestId;
  }
}

/** True for a FinSpaceDataError, optionally of the given type. */
export function isFinSpaceError(error: unknown, name?: FinSpaceErrorName): error is FinSpaceDataError {
  return error instanceof FinSpaceDataError && (name === undefined || error.name === name);
}

/** The parts of an HTTP error response needed to build the error. */
export interface ErrorResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * @param sensitiveValues input values the model marks sensitive; the service may
 * echo them in `message` or `reason` ("user x@y.com already exists"), so they are
 * replaced with `***` before the error exists.
 */
export function errorFromResponse(
  operation: OperationName,
  response: ErrorResponse,
  sensitiveValues: readonly string[] = [],
): FinSpaceDataError {
  const document = parseJsonObject(response.body);
  const message = stringField(document, 'message') ?? stringField(document, 'Message');
  const reason = stringField(document, 'reason');
  const name =
    errorType(response.headers['x-amzn-errortype']) ??
    errorType(stringField(document, '__type')) ??
    errorType(stringField(document, 'code') ?? stringField(document, 'Code')) ??
    'UnknownError';
  return new FinSpaceDataError({
    name,
    statusCode: response.statusCode,
    operation,
    message: redact(message ?? `${operation} failed with HTTP ${response.statusCode} ${name}`, sensitiveValues),
    reason: reason === undefined ? undefined : redact(reason, sensitiveValues),
    requestId: requestIdOf(response.headers),
  });
}

export function requestIdOf(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  return headers['x-amzn-requestid'] ?? headers['x-amz-request-id'];
}

/**
 * Normalizes the error type notations AWS uses: `Name:http://...` in the header,
 * `namespace#Name` in `__type`.
 */
function errorType(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const withoutSuffix = raw.split(':')[0];
  const name = withoutSuffix.slice(withoutSuffix.lastIndexOf('#') + 1).trim();
  return name || undefined;
}

function parseJsonObject(body: string): Record<string, unknown> {
  if (!body) return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {}; // e.g. an HTML page from a proxy: the status code still classifies it
  }
}

function stringField(document: Record<string, unknown>, key: string): string | undefined {
  const value = document[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Values shorter than three characters are left alone: replacing every "a" in a
 * message would garble it while hiding next to nothing.
 */
const MIN_REDACTED_LENGTH = 3;

function redact(text: string, sensitiveValues: readonly string[]): string {
  let result = text;
  // Longest first: an e-mail address may contain a last name, and must go whole.
  for (const value of [...sensitiveValues].sort((a, b) => b.length - a.length)) {
    if (value.length < MIN_REDACTED_LENGTH) continue;
    result = result.replace(new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '***');
  }
  return result;
}
