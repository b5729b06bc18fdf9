/**
 * Turns an operation input into an unsigned rest-json HTTP request, following
 * the operation's descriptor. Runs once per call, before any retry, so every
 * attempt carries the same idempotency token.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest } from '@smithy/types';
import type { Endpoint } from './endpoint';
import type { OperationInput, OperationName } from './model';
import { OPERATIONS, type OperationDescriptor } from './operations';

export function serializeRequest<Op extends OperationName>(
  operation: Op,
  input: OperationInput<Op>,
  endpoint: Endpoint,
): HttpRequest {
  const descriptor: OperationDescriptor = OPERATIONS[operation];
  const members = withIdempotencyToken(descriptor, input as unknown as Readonly<Record<string, unknown>>);

  const path = descriptor.uri.replace(/\{(\w+)\}/g, (_, label: string) => encodeLabel(label, members[label]));
  const query: Record<string, string> = {};
  for (const name of descriptor.query ?? []) {
    const value = members[name];
    if (value !== undefined && value !== null) query[name] = String(value);
  }

  const headers: Record<string, string> = {
    host: endpoint.port === undefined ? endpoint.hostname : `${endpoint.hostname}:${endpoint.port}`,
  };
  let body: string | undefined;
  if (descriptor.body) {
    const document: Record<string, unknown> = {};
    for (const name of descriptor.body) {
      if (members[name] !== undefined && members[name] !== null) document[name] = members[name];
    }
    body = JSON.stringify(document);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }

  return {
    method: descriptor.method,
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port,
    path: endpoint.basePath + path,
    query,
    headers,
    body,
  };
}

function withIdempotencyToken(
  descriptor: OperationDescriptor,
  input: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const member = descriptor.idempotencyToken;
  if (!member || input[member] !== undefined) return input;
  return { ...input, [member]: randomUUID() };
}

/**
 * Like the SDK: an absent or empty label is refused, because it would silently
 * address a different resource (`DELETE /permission-group/` is not a group).
 */
function encodeLabel(label: string, value: unknown): string {
  if (value === undefined || value === null) {
    throw new Error(`No value provided for input HTTP label: ${label}.`);
  }
  const text = String(value);
  if (text.length === 0) {
    throw new Error(`Empty value provided for input HTTP label: ${label}.`);
  }
  return extendedEncodeURIComponent(text);
}

/** RFC 3986 encoding as the AWS SDKs apply it to labels: also escapes !'()*. */
function extendedEncodeURIComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
