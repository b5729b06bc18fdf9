/**
 * The client against the official model: the descriptor table, the enums, and
 * the requests actually produced, with every expectation derived from
 * model/finspace-data.json.
 */
import type { HttpRequest } from '@smithy/types';
import { BASE, CapturingHandler, defaultAnswer, VENDED } from './support/capturing-handler';
import { inputMembers, MODEL, outputMembers, shape, type MemberRef } from './support/model';
import {
  ApiAccess,
  ApplicationPermission,
  FinSpaceDataClient,
  OPERATIONS,
  PermissionGroupMembershipStatus,
  UserStatus,
  UserType,
  VendedCredentialCache,
  type OperationName,
} from '../../../lambda/finspace';

/**
 * The operations the handler calls: the client ships these and no other.
 */
const OPERATION_NAMES: OperationName[] = [
  'CreatePermissionGroup',
  'UpdatePermissionGroup',
  'DeletePermissionGroup',
  'GetPermissionGroup',
  'ListPermissionGroups',
  'AssociateUserToPermissionGroup',
  'DisassociateUserFromPermissionGroup',
  'ListUsersByPermissionGroup',
  'ListPermissionGroupsByUser',
  'CreateUser',
  'GetUser',
  'UpdateUser',
  'ListUsers',
  'EnableUser',
  'DisableUser',
  'GetProgrammaticAccessCredentials',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Characters RFC 3986 allows unescaped in a path segment, plus escapes. */
const ENCODED_SEGMENT = /^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})+$/;

const membersAt = (operation: string, location: string | undefined) =>
  inputMembers(operation).filter(([, ref]) => ref.location === location);
const wireName = ([name, ref]: [string, MemberRef]) => ref.locationName ?? name;
const sorted = (values: Iterable<string>) => [...values].sort();

/** A value of the member's shape; strings carry characters that need escaping. */
function sampleValue(memberName: string, ref: MemberRef): unknown {
  const target = shape(ref.shape);
  switch (target.type) {
    case 'string':
      return target.enum ? target.enum[target.enum.length - 1] : `${memberName} a/b?c&d=e+é!*'()`;
    case 'integer':
    case 'long':
      return 42;
    case 'boolean':
      return true;
    case 'list':
      return [sampleValue(memberName, target.member as MemberRef)];
    default:
      throw new Error(`no sample for ${target.type}`);
  }
}

function sampleInput(operation: string, omit: (ref: MemberRef) => boolean = () => false): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, ref] of inputMembers(operation)) if (!omit(ref)) input[name] = sampleValue(name, ref);
  return input;
}

/** Answers with 204 where the model binds the HTTP status to an output member, to prove the binding. */
function answerWithStatus(request: HttpRequest) {
  return defaultAnswer(request).statusCode === 200 && !request.path.endsWith('/credentials/programmatic')
    ? { statusCode: 204 }
    : defaultAnswer(request);
}

function newClient(handler: CapturingHandler) {
  return new FinSpaceDataClient({
    environmentId: 'env-contract',
    region: 'us-east-1',
    endpoint: 'https://finspace.example.test',
    credentials: async () => ({ ...BASE, sessionToken: 'base-session-token' }),
    requestHandler: handler,
    credentialCache: new VendedCredentialCache(),
  });
}

/** The request the client sends for `operation` (the credential exchange itself, or the last other request). */
async function capture(operation: OperationName, input: Record<string, unknown>) {
  const handler = new CapturingHandler(answerWithStatus);
  const output = await newClient(handler).send(operation, input as never);
  const requests = operation === 'GetProgrammaticAccessCredentials' ? handler.requests : handler.operationRequests;
  expect(requests).toHaveLength(1);
  return { request: requests[0], output: output as Record<string, unknown> };
}

function locatedValue(request: HttpRequest, operation: string, member: string): unknown {
  const ref = shape(MODEL.operations[operation].input.shape).members?.[member] as MemberRef;
  if (ref.location === 'querystring') return request.query?.[ref.locationName ?? member];
  if (ref.location === undefined) return JSON.parse(request.body as string)[member];
  throw new Error(`idempotency token in ${ref.location} is not expected`);
}

describe('descriptor table', () => {
  test('covers exactly the operations the handler calls, which are all of the model\'s', () => {
    expect(sorted(Object.keys(OPERATIONS))).toEqual(sorted(OPERATION_NAMES));
    expect(sorted(Object.keys(MODEL.operations).filter((operation) => !(operation in OPERATIONS)))).toEqual([]);
  });

  test.each(OPERATION_NAMES)('%s matches the model', (operation) => {
    const descriptor = OPERATIONS[operation];
    const http = MODEL.operations[operation].http;
    const labels = [...http.requestUri.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);

    expect(descriptor.method).toBe(http.method);
    expect(descriptor.uri).toBe(http.requestUri);
    expect(sorted(labels)).toEqual(sorted(membersAt(operation, 'uri').map(wireName)));
    expect(membersAt(operation, 'uri').every(([name, ref]) => (ref.locationName ?? name) === name)).toBe(true);
    expect(sorted(descriptor.query ?? [])).toEqual(sorted(membersAt(operation, 'querystring').map(([name]) => name)));
    expect(membersAt(operation, 'querystring').every(([name, ref]) => (ref.locationName ?? name) === name)).toBe(true);
    expect(membersAt(operation, 'header')).toEqual([]);
    const bodyMembers = membersAt(operation, undefined).map(([name]) => name);
    expect(sorted(descriptor.body ?? [])).toEqual(sorted(bodyMembers));
    expect(descriptor.body === undefined).toBe(bodyMembers.length === 0);
    expect(descriptor.idempotencyToken).toEqual(inputMembers(operation).find(([, ref]) => ref.idempotencyToken)?.[0]);
    expect(sorted(descriptor.sensitive ?? [])).toEqual(
      sorted(inputMembers(operation).filter(([, ref]) => shape(ref.shape).sensitive).map(([name]) => name)),
    );
    expect(descriptor.statusCodeMember).toEqual(outputMembers(operation).find(([, ref]) => ref.location === 'statusCode')?.[0]);
  });
});

test.each([
  ['ApplicationPermission', ApplicationPermission],
  ['UserType', UserType],
  ['UserStatus', UserStatus],
  ['ApiAccess', ApiAccess],
  ['PermissionGroupMembershipStatus', PermissionGroupMembershipStatus],
])('enum %s lists the values of the model', (name, values) => {
  expect(Object.values(values)).toEqual(shape(name).enum);
  expect(Object.entries(values).every(([key, value]) => key === value)).toBe(true);
});

describe('requests on the wire', () => {
  test.each(OPERATION_NAMES)('%s: method, path, query, headers and body follow the model', async (operation) => {
    const input = sampleInput(operation);
    const { request, output } = await capture(operation, input);

    expect(request.method).toBe(MODEL.operations[operation].http.method);

    // Path: literal segments as modelled, each label one encoded segment that decodes to the input.
    const template = MODEL.operations[operation].http.requestUri.split('/');
    const segments = request.path.split('/');
    expect(segments).toHaveLength(template.length);
    template.forEach((part, i) => {
      const label = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!label) return expect(segments[i]).toBe(part);
      expect(segments[i]).toMatch(ENCODED_SEGMENT);
      return expect(decodeURIComponent(segments[i])).toBe(input[label]);
    });

    const expectedQuery = Object.fromEntries(
      membersAt(operation, 'querystring').map((member) => [wireName(member), String(input[member[0]])]),
    );
    expect(request.query).toEqual(expectedQuery);

    const bodyMembers = membersAt(operation, undefined);
    if (bodyMembers.length === 0) {
      expect(request.body).toBeUndefined();
    } else {
      expect(JSON.parse(request.body as string)).toEqual(
        Object.fromEntries(bodyMembers.map((member) => [wireName(member), input[member[0]]])),
      );
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body as string)));
    }

    // Headers: nothing but transport and SigV4, as no member of the model lives in a header.
    const expectedHeaders = ['authorization', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'];
    if (bodyMembers.length > 0) expectedHeaders.push('content-length', 'content-type');
    expect(sorted(Object.keys(request.headers).map((name) => name.toLowerCase()))).toEqual(sorted(expectedHeaders));
    expect(request.headers.host).toBe('finspace.example.test');

    // Signed for the model's signing name, with the base key only for the credential exchange.
    const signer = operation === 'GetProgrammaticAccessCredentials' ? BASE.accessKeyId : VENDED.accessKeyId;
    expect(request.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${signer}/\\d{8}/us-east-1/${MODEL.metadata.signingName}/aws4_request, `),
    );
    expect(request.headers['x-amz-security-token']).toBe(
      operation === 'GetProgrammaticAccessCredentials' ? 'base-session-token' : VENDED.sessionToken,
    );

    for (const [name, ref] of outputMembers(operation)) {
      if (ref.location === 'statusCode') expect(output[name]).toBe(204);
    }
  });

  const withToken = OPERATION_NAMES.filter((operation) => inputMembers(operation).some(([, ref]) => ref.idempotencyToken));

  test('the model has idempotent operations to check', () => {
    expect(withToken.length).toBeGreaterThan(0);
  });

  test.each(withToken)('%s: an omitted idempotency token is filled with a fresh UUID where the model puts it', async (operation) => {
    const [token] = inputMembers(operation).find(([, ref]) => ref.idempotencyToken) as [string, MemberRef];
    const input = sampleInput(operation, (ref) => ref.idempotencyToken === true);
    const first = locatedValue((await capture(operation, input)).request, operation, token);
    const second = locatedValue((await capture(operation, input)).request, operation, token);
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(second).not.toBe(first);
  });

  test.each(withToken)('%s: a given idempotency token is sent unchanged', async (operation) => {
    const [token] = inputMembers(operation).find(([, ref]) => ref.idempotencyToken) as [string, MemberRef];
    const input = { ...sampleInput(operation), [token]: 'deterministic-token-1' };
    expect(locatedValue((await capture(operation, input)).request, operation, token)).toBe('deterministic-token-1');
  });

  test.each(OPERATION_NAMES.filter((operation) => membersAt(operation, 'uri').length > 0))(
    '%s: a missing or empty URI label is refused before anything is sent',
    async (operation) => {
      const [label] = membersAt(operation, 'uri')[0];
      const handler = new CapturingHandler();
      const client = newClient(handler);
      await expect(client.send(operation, { ...sampleInput(operation), [label]: undefined } as never)).rejects.toThrow(
        `No value provided for input HTTP label: ${label}.`,
      );
      await expect(client.send(operation, { ...sampleInput(operation), [label]: '' } as never)).rejects.toThrow(
        `Empty value provided for input HTTP label: ${label}.`,
      );
      expect(handler.requests).toEqual([]);
    },
  );
});
