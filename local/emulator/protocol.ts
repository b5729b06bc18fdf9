/**
 * rest-json as the model describes it: routing from `http.method` and `http.requestUri`,
 * where input members travel (URI label, query string, JSON body), how outputs and errors
 * are written. Parsing checks JSON types only (constraints are validation's); unknown
 * members are ignored, as AWS services do, and a JSON `null` counts as absent.
 */
import { ServiceError, frontDoorError } from './errors';
import { MemberRef, OPERATION_NAMES, OperationName, Shape, inputShapeOf, outputShapeOf, serviceModel, shapeNamed } from './model';

/**
 * `{label}` segments match one path segment. No two routes of this model overlap; characters
 * a pattern would read otherwise (a literal query among them) are refused rather than mis-routed.
 */
const ROUTES = OPERATION_NAMES.map((operation) => {
  const { method, requestUri } = serviceModel.operations[operation].http;
  if (/[^\w/{}-]/.test(requestUri)) throw new Error(`${operation}: the requestUri ${requestUri} is not supported`);
  const labelNames = [...requestUri.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
  return { operation, method, labelNames, pattern: new RegExp(`^${requestUri.replace(/\{\w+\}/g, '([^/]+)')}$`) };
});

/** `rawPath` is the path as sent, without the query; the labels' values are still percent-encoded. */
export function matchRoute(method: string, rawPath: string) {
  for (const route of ROUTES) {
    const found = route.method === method ? route.pattern.exec(rawPath) : null;
    if (found) return { operation: route.operation, rawLabels: Object.fromEntries(route.labelNames.map((name, i) => [name, found[i + 1]])) };
  }
  return undefined;
}

type RouteMatch = NonNullable<ReturnType<typeof matchRoute>>;

export interface WireRequest {
  readonly method: string;
  /** As sent, still percent-encoded (SigV4 encodes it once more). */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Lower-case names; repeated headers joined with ','. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type OperationInput = Record<string, unknown>;
export type OperationOutput = Record<string, unknown>;

export function deserializeInput({ operation, rawLabels }: RouteMatch, request: WireRequest): OperationInput {
  const members = Object.entries(inputShapeOf(operation).members ?? {});
  const body = members.some(([, ref]) => ref.location === undefined) ? parseJsonObject(request.body) : {};
  const input: OperationInput = {};
  for (const [name, ref] of members) {
    const wireName = ref.locationName ?? name;
    let value: unknown;
    if (ref.location === 'uri') {
      const label = rawLabels[wireName];
      const badEncoding = 'A path segment of the request is not valid percent-encoding.';
      value = label === undefined ? undefined : parsed(() => decodeURIComponent(label), badEncoding);
    } else if (ref.location === 'querystring') {
      const raw = request.query.get(wireName);
      value = raw === null ? undefined : fromText(shapeNamed(ref.shape), raw, name);
    } else if (ref.location === undefined) {
      value = fromJson(ref, body[wireName], name);
    } else {
      throw new Error(`${operation}.${name}: input location ${ref.location} is not supported`);
    }
    if (value !== undefined) input[name] = value;
  }
  return input;
}

/** `read()`, or a SerializationException with `message` if it throws. */
function parsed<T>(read: () => T, message: string): T {
  try {
    return read();
  } catch {
    throw frontDoorError('SerializationException', message);
  }
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  const value: unknown = body.length === 0 ? {} : parsed(() => JSON.parse(body.toString('utf8')), 'The request body is not valid JSON.');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw frontDoorError('SerializationException', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** Converts a query value to the member's type; this model only puts strings and integers there. */
function fromText(shape: Shape, raw: string, path: string): unknown {
  if (shape.type === 'string') return raw;
  if (shape.type !== 'integer' && shape.type !== 'long') throw new Error(`${path}: ${shape.type} members in the query string are not supported`);
  if (!/^-?\d+$/.test(raw)) throw typeMismatch(path, 'an integer');
  return Number(raw);
}

/** Checks a JSON value's type against the member's shape; the input bodies of this model hold strings, integers and lists. */
function fromJson(ref: MemberRef, value: unknown, path: string): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = shapeNamed(ref.shape);
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') throw typeMismatch(path, 'a string');
      return value;
    case 'integer':
    case 'long':
      if (!Number.isInteger(value)) throw typeMismatch(path, 'an integer');
      return value;
    case 'list':
      if (!Array.isArray(value)) throw typeMismatch(path, 'a list');
      return value.map((item, index) => {
        if (item === null) throw typeMismatch(`${path}.${index}`, 'a non-null element');
        return fromJson(shape.member as MemberRef, item, `${path}.${index}`);
      });
    default:
      throw new Error(`${path}: ${shape.type} members in the body are not supported`);
  }
}

function typeMismatch(path: string, expected: string): ServiceError {
  return frontDoorError('SerializationException', `Expected ${expected} at '${path}'.`);
}

/**
 * `statusCode`-located members become the HTTP status, the others the JSON body. An output member the
 * model does not know is an emulator bug: it throws rather than send something the service would not.
 */
export function serializeOutput(operation: OperationName, output: OperationOutput, requestId: string): HttpAnswer {
  const members = outputShapeOf(operation).members ?? {};
  let statusCode = 200;
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(output)) {
    const ref = members[name];
    if (!ref) throw new Error(`${operation} output has no member ${name}`);
    if (value === undefined) continue;
    if (ref.location === 'statusCode') statusCode = value as number;
    else if (ref.location === undefined) body[ref.locationName ?? name] = toJson(ref, value, `${operation}.${name}`);
    else throw new Error(`${operation}.${name}: output location ${ref.location} is not supported`);
  }
  return jsonAnswer(statusCode, body, requestId);
}

function toJson(ref: MemberRef, value: unknown, path: string): unknown {
  const shape = shapeNamed(ref.shape);
  if (shape.type === 'list') return (value as unknown[]).map((item, index) => toJson(shape.member as MemberRef, item, `${path}.${index}`));
  if (shape.type !== 'structure') return value;
  const result: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
    const member = shape.members?.[name];
    if (!member) throw new Error(`${path} has no member ${name}`);
    if (inner !== undefined) result[member.locationName ?? name] = toJson(member, inner, `${path}.${name}`);
  }
  return result;
}

export function serializeError(error: ServiceError, requestId: string): HttpAnswer {
  const body = error.reason === undefined ? { message: error.message } : { message: error.message, reason: error.reason };
  return jsonAnswer(error.statusCode, body, requestId, { 'x-amzn-errortype': error.errorType });
}

export function jsonAnswer(statusCode: number, body: unknown, requestId: string, extraHeaders: Record<string, string> = {}): HttpAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...extraHeaders },
    body: JSON.stringify(body),
  };
}
