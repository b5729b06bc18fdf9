/**
 * Requests the model forbids, answered as AWS does: 400 ValidationException
 * with the generated constraint message, or a protocol-level error.
 */
import { errorOf } from './support/api';
import { ENV, IAM, World, startWorld } from './support/fixtures';
import { SignedClient, sendRaw } from '../../../local/emulator/signed-client';

let world: World;
let admin: SignedClient;

beforeAll(async () => {
  world = await startWorld();
  admin = await world.session(IAM.admin);
});

afterAll(() => world.emulator.stop());

const invalid = (message: string) => ({
  status: 400,
  type: 'ValidationException',
  body: { message, reason: 'INVALID_PARAMETER' },
});

test('a missing required member', async () => {
  const response = await admin.send({ method: 'POST', path: '/permission-group', body: { name: 'traders' } });
  expect(errorOf(response)).toEqual(
    invalid("1 validation error detected: Value null at 'applicationPermissions' failed to satisfy constraint: Member must not be null"),
  );
});

test('every broken constraint is reported, and sensitive values are not repeated', async () => {
  const response = await admin.send({ method: 'POST', path: '/permission-group', body: { name: ' '.repeat(256), applicationPermissions: [] } });
  expect(errorOf(response)).toEqual(
    invalid(
      '2 validation errors detected: ' +
        "Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 255; " +
        "Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: .*\\S.*",
    ),
  );
});

test('a pattern must match the whole value', async () => {
  const response = await admin.send({
    method: 'POST',
    path: '/user',
    body: { emailAddress: 'someone@example.com trailing', type: 'APP_USER' },
  });
  expect(errorOf(response)).toEqual(
    invalid(
      "1 validation error detected: Value at 'emailAddress' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,4}',
    ),
  );
});

test('a value outside an enum, with the value shown because it is not sensitive', async () => {
  const response = await admin.send({ method: 'POST', path: '/user', body: { emailAddress: 'erin@example.com', type: 'ADMIN' } });
  expect(errorOf(response)).toEqual(
    invalid("1 validation error detected: Value 'ADMIN' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SUPER_USER, APP_USER]"),
  );
});

test('list elements outside an enum are reported on the list', async () => {
  const response = await admin.send({ method: 'POST', path: '/permission-group', body: { name: 'x', applicationPermissions: ['CreateDataset', 'Root'] } });
  expect(errorOf(response)).toEqual(
    invalid(
      "1 validation error detected: Value '[CreateDataset, Root]' at 'applicationPermissions' failed to satisfy constraint: " +
        'Member must satisfy constraint: [Member must satisfy enum value set: ' +
        '[CreateDataset, ManageClusters, ManageUsersAndGroups, ManageAttributeSets, ViewAuditData, AccessNotebooks, GetTemporaryCredentials]]',
    ),
  );
});

test.each([
  [0, 'Member must have value greater than or equal to 1'],
  [101, 'Member must have value less than or equal to 100'],
])('maxResults %s', async (maxResults, constraint) => {
  const response = await admin.send({ method: 'GET', path: '/permission-group', query: { maxResults } });
  expect(errorOf(response)).toEqual(invalid(`1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: ${constraint}`));
});

test('maxResults is required', async () => {
  const response = await admin.send({ method: 'GET', path: '/user' });
  expect(errorOf(response)).toEqual(invalid("1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null"));
});

test.each([
  [61, 'Member must have value less than or equal to 60'],
  [0, 'Member must have value greater than or equal to 1'],
])('durationInMinutes %s', async (durationInMinutes, constraint) => {
  const response = await world.iam(IAM.admin).send({ method: 'GET', path: '/credentials/programmatic', query: { environmentId: ENV, durationInMinutes } });
  expect(errorOf(response)).toEqual(
    invalid(`1 validation error detected: Value '${durationInMinutes}' at 'durationInMinutes' failed to satisfy constraint: ${constraint}`),
  );
});

test('a URI label longer than its shape allows', async () => {
  const userId = 'u'.repeat(27);
  const response = await admin.send({ method: 'GET', path: `/user/${userId}` });
  expect(errorOf(response)).toEqual(
    invalid(`1 validation error detected: Value '${userId}' at 'userId' failed to satisfy constraint: Member must have length less than or equal to 26`),
  );
});

test('a clientToken in the query string is validated like one in the body', async () => {
  const clientToken = 't'.repeat(129);
  const response = await admin.send({ method: 'DELETE', path: '/permission-group/grpReaders', query: { clientToken } });
  expect(errorOf(response)).toEqual(
    invalid(`1 validation error detected: Value '${clientToken}' at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 128`),
  );
});

test('a role ARN that is not an IAM role', async () => {
  const response = await admin.send({ method: 'PUT', path: '/user/bob', body: { apiAccessPrincipalArn: 'arn:aws:iam::123456789012:user/bob' } });
  expect(response.status).toBe(400);
  expect(response.body.message).toContain("Value 'arn:aws:iam::123456789012:user/bob' at 'apiAccessPrincipalArn' failed to satisfy constraint");
});

test('a validation failure has no effect', async () => {
  const before = world.emulator.snapshot();
  await admin.send({ method: 'POST', path: '/permission-group', body: { name: 'x', applicationPermissions: ['Root'] } });
  expect(world.emulator.snapshot()).toEqual(before);
});

describe('protocol errors', () => {
  test('malformed JSON is a SerializationException', async () => {
    const response = await admin.send({ method: 'POST', path: '/permission-group', body: '{"name": ' });
    expect(errorOf(response)).toEqual({ status: 400, type: 'SerializationException', body: { message: 'The request body is not valid JSON.' } });
  });

  test('a JSON body that is not an object is a SerializationException', async () => {
    const response = await admin.send({ method: 'POST', path: '/permission-group', body: '["traders"]' });
    expect(errorOf(response)).toEqual({ status: 400, type: 'SerializationException', body: { message: 'The request body must be a JSON object.' } });
  });

  test('a member of the wrong JSON type is a SerializationException', async () => {
    const response = await admin.send({ method: 'POST', path: '/permission-group', body: { name: 42, applicationPermissions: [] } });
    expect(errorOf(response)).toEqual({ status: 400, type: 'SerializationException', body: { message: "Expected a string at 'name'." } });
  });

  test('a null list element is a SerializationException', async () => {
    const response = await admin.send({ method: 'POST', path: '/permission-group', body: { name: 'x', applicationPermissions: ['CreateDataset', null] } });
    expect(errorOf(response)).toEqual({ status: 400, type: 'SerializationException', body: { message: "Expected a non-null element at 'applicationPermissions.1'." } });
  });

  test('a query number that is not a number is a SerializationException', async () => {
    const response = await admin.send({ method: 'GET', path: '/user', query: { maxResults: 'ten' } });
    expect(errorOf(response)).toEqual({ status: 400, type: 'SerializationException', body: { message: "Expected an integer at 'maxResults'." } });
  });

  test('a path label that is not valid percent-encoding is a SerializationException', async () => {
    const response = await admin.send({ method: 'GET', path: '/user/%ZZ' });
    expect(errorOf(response)).toEqual({
      status: 400,
      type: 'SerializationException',
      body: { message: 'A path segment of the request is not valid percent-encoding.' },
    });
  });

  test('path labels are percent-decoded', async () => {
    const response = await admin.send({ method: 'GET', path: '/user/no%20such' });
    expect(errorOf(response)).toMatchObject({ status: 404, body: { message: "User 'no such' does not exist." } });
  });

  test('members the model does not know are ignored', async () => {
    const response = await admin.send({ method: 'POST', path: '/permission-group', body: { name: 'extra', applicationPermissions: [], colour: 'blue' } });
    expect(response.status).toBe(200);
  });

  test('a body over 10 MiB is refused before anything else', async () => {
    const body = `{"name":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    const response = await sendRaw(world.emulator.endpoint, 'POST', '/permission-group', {}, body);
    expect(errorOf(response)).toEqual({
      status: 413,
      type: 'RequestEntityTooLargeException',
      body: { message: 'The request body exceeds 10485760 bytes.' },
    });
  });

  test('an unknown path is an UnknownOperationException', async () => {
    const response = await admin.send({ method: 'GET', path: '/datasets' });
    expect(errorOf(response)).toEqual({ status: 404, type: 'UnknownOperationException', body: { message: 'No operation matches GET /datasets.' } });
    expect(world.emulator.calls[world.emulator.calls.length - 1]).toMatchObject({ operation: 'UnknownOperation', statusCode: 404 });
  });

  test('a known path with a method it does not have is an UnknownOperationException', async () => {
    const response = await admin.send({ method: 'DELETE', path: '/user/bob' });
    expect(response.status).toBe(404);
    expect(response.headers['x-amzn-errortype']).toBe('UnknownOperationException');
  });

  test('every answer, success or error, carries a request id', async () => {
    const ok = await admin.send({ method: 'GET', path: '/user/bob' });
    const bad = await admin.send({ method: 'GET', path: '/nowhere' });
    expect(ok.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers['x-amzn-requestid']).not.toBe(bad.headers['x-amzn-requestid']);
  });
});
