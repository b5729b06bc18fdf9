/**
 * The rest-json protocol as the model describes it: where each input member
 * travels (URI label, query string or JSON body) and how outputs and errors are
 * written back.
 *
 * Parsing checks JSON types only; constraints are validation's job. Members the
 * model does not know are ignored, as AWS services do. A JSON `null` counts as
 * an absent member.
 */
import { ServiceError, frontDoorError } from './errors';
import { MemberRef, OperationName, Shape, inputShapeOf, outputShapeOf, shapeNamed } from './model';

export interface HttpRequestParts {
  /** URI label values as matched in the path, still percent-encoded. */
  readonly rawLabels: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Buffer;
}

/** A complete answer, ready to write. */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type OperationInput = Record<string, unknown>;
export type OperationOutput = Record<string, unknown>;

export function deserializeInput(operation: OperationName, parts: HttpRequestParts): OperationInput {
  const shape = inputShapeOf(operation);
  const members = Object.entries(shape.members ?? {});
  const input: OperationInput = {};
  const hasBodyMembers = members.some(([, ref]) => ref.location === undefined);
  const body = hasBodyMembers ? parseJsonObject(parts.body) : {};
  for (const [name, ref] of members) {
    const wireName = ref.locationName ?? name;
    let value: unknown;
    switch (ref.location) {
      case 'uri':
        value = decodeLabel(parts.rawLabels[wireName]);
        break;
      case 'querystring': {
        const raw = parts.query.get(wireName);
        value = raw === null ? undefined : fromText(shapeNamed(ref.shape), raw, name);
        break;
      }
      case undefined:
        value = fromJson(ref, body[wireName], name);
        break;
      default:
        throw new Error(`${operation}.${name}: input location ${ref.location} is not supported`);
    }
    if (value !== undefined) input[name] = value;
  }
  return input;
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw frontDoorError('SerializationException', 'The request body is not valid JSON.');
  }
  if (!isPlainObject(parsed)) {
    throw frontDoorError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed;
}

function decodeLabel(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw frontDoorError('SerializationException', 'A path segment of the request is not valid percent-encoding.');
  }
}

/** Converts a URI label or query value to the member's type. */
function fromText(shape: Shape, raw: string, path: string): unknown {
  switch (shape.type) {
    case 'string':
      return raw;
    case 'integer':
    case 'long':
      if (!/^-?\d+$/.test(raw)) throw typeMismatch(path, 'an integer');
      return Number(raw);
    default:
      // The inputs of this model only put strings and integers in URIs and query strings.
      throw new Error(`${path}: ${shape.type} members in the query string are not supported`);
  }
}

/** Checks a JSON value's type against the member's shape. */
function fromJson(ref: MemberRef, value: unknown, path: string): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = shapeNamed(ref.shape);
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') throw typeMismatch(path, 'a string');
      return value;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeMismatch(path, 'an integer');
      return value;
    case 'list': {
      if (!Array.isArray(value)) throw typeMismatch(path, 'a list');
      const element = shape.member as MemberRef;
      return value.map((item, index) => {
        if (item === null) throw typeMismatch(`${path}.${index}`, 'a non-null element');
        return fromJson(element, item, `${path}.${index}`);
      });
    }
    default:
      // The input bodies of this model hold only strings, integers and lists of strings.
      throw new Error(`${path}: ${shape.type} members in the body are not supported`);
  }
}

function typeMismatch(path: string, expected: string): ServiceError {
  return frontDoorError('SerializationException', `Expected ${expected} at '${path}'.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes an operation's output: `statusCode`-located members become the HTTP
 * status, the others the JSON body. An output member the model does not know is
 * an emulator bug, so it throws rather than send something the service would not.
 */
export function serializeOutput(operation: OperationName, output: OperationOutput, requestId: string): HttpAnswer {
  const shape = outputShapeOf(operation);
  const members = shape.members ?? {};
  let statusCode = 200;
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(output)) {
    const ref = members[name];
    if (!ref) throw new Error(`${operation} output has no member ${name}`);
    if (value === undefined) continue;
    if (ref.location === 'statusCode') {
      statusCode = value as number;
    } else if (ref.location === undefined) {
      body[ref.locationName ?? name] = toJson(ref, value, `${operation}.${name}`);
    } else {
      throw new Error(`${operation}.${name}: output location ${ref.location} is not supported`);
    }
  }
  return jsonAnswer(statusCode, body, requestId);
}

function toJson(ref: MemberRef, value: unknown, path: string): unknown {
  const shape = shapeNamed(ref.shape);
  if (shape.type === 'list') {
    return (value as unknown[]).map((item, index) => toJson(shape.member as MemberRef, item, `${path}.${index}`));
  }
  if (shape.type === 'structure') {
    const members = shape.members ?? {};
    const result: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
      const member = members[name];
      if (!member) throw new Error(`${path} has no member ${name}`);
      if (inner !== undefined) result[member.locationName ?? name] = toJson(member, inner, `${path}.${name}`);
    }
    return result;
  }
  return value;
}

export function serializeError(error: ServiceError, requestId: string): HttpAnswer {
  const body: Record<string, string> = { message: error.message };
  if (error.reason !== undefined) body.reason = error.reason;
  return jsonAnswer(error.statusCode, body, requestId, { 'x-amzn-errortype': error.errorType });
}

export function jsonAnswer(
  statusCode: number,
  body: unknown,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): HttpAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...extraHeaders },
    body: JSON.stringify(body),
  };
}
