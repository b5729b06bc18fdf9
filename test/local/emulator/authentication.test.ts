/**
 * SigV4 authentication: each way a request can be unsigned, mis-signed or
 * signed with keys that are unknown, mismatched or expired.
 */
import { errorOf } from './support/api';
import { ENV, IAM, OTHER_ENV, World, startWorld } from './support/fixtures';
import { ApiRequest, SignedClient } from '../../../local/emulator/signed-client';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(() => world.emulator.stop());

const LIST_USERS: ApiRequest = { method: 'GET', path: '/user', query: { maxResults: 10 } };
const CREATE_GROUP: ApiRequest = { method: 'POST', path: '/permission-group', body: { name: 'traders', applicationPermissions: [] } };

const BAD_SIGNATURE = {
  status: 403,
  type: 'InvalidSignatureException',
  body: {
    message:
      'The request signature we calculated does not match the signature you provided. ' +
      'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  },
};

test('an unsigned request is refused with Missing Authentication Token', async () => {
  const response = await world.iam(IAM.admin).send(LIST_USERS, { unsigned: true });
  expect(errorOf(response)).toEqual({ status: 403, type: 'MissingAuthenticationTokenException', body: { message: 'Missing Authentication Token' } });
  expect(response.headers['x-amzn-requestid']).toBeDefined();
});

test('an unknown access key is an UnrecognizedClientException', async () => {
  const stranger = world.iam({ accessKeyId: 'AKIASTRANGER00000001', secretAccessKey: 'whatever' });
  const response = await stranger.send(LIST_USERS);
  expect(errorOf(response)).toEqual({
    status: 403,
    type: 'UnrecognizedClientException',
    body: { message: 'The security token included in the request is invalid.' },
  });
});

test('a wrong secret is an InvalidSignatureException', async () => {
  const response = await world.iam(IAM.admin).send(LIST_USERS, { secretAccessKey: 'not-the-secret' });
  expect(errorOf(response)).toEqual(BAD_SIGNATURE);
});

test('a body changed after signing fails the signature, even with x-amz-content-sha256 kept', async () => {
  const admin = await world.session(IAM.admin);
  const response = await admin.send(CREATE_GROUP, {
    afterSigning: (request) => {
      request.body = request.body.replace('traders', 'hackers');
    },
  });
  expect(errorOf(response)).toEqual(BAD_SIGNATURE);
  expect(world.emulator.snapshot().environments[0].permissionGroups).toHaveLength(2);
});

test('a header that was signed and then changed fails the signature', async () => {
  const admin = await world.session(IAM.admin);
  const response = await admin.send(LIST_USERS, {
    afterSigning: (request) => {
      request.headers['x-amz-date'] = request.headers['x-amz-date'].replace(/\d\dZ$/, '59Z');
    },
  });
  expect(errorOf(response)).toEqual(BAD_SIGNATURE);
});

test('a session token that does not belong to the key is refused', async () => {
  const admin = await world.session(IAM.admin);
  const otherSession = await world.session(IAM.manager);
  const mixedKeys = { ...admin.keys!, sessionToken: otherSession.keys!.sessionToken };
  const mixed = new SignedClient(world.emulator.endpoint, mixedKeys, { now: world.clock.now });
  const response = await mixed.send(LIST_USERS);
  expect(errorOf(response)).toMatchObject({ status: 403, type: 'UnrecognizedClientException' });
});

test('temporary keys without their session token are refused', async () => {
  const admin = await world.session(IAM.admin);
  const withoutToken = new SignedClient(world.emulator.endpoint, { ...admin.keys!, sessionToken: undefined }, { now: world.clock.now });
  const response = await withoutToken.send(LIST_USERS);
  expect(errorOf(response)).toMatchObject({ status: 403, type: 'UnrecognizedClientException' });
});

test('IAM keys with a session token must send it', async () => {
  const { sessionToken, ...keysWithoutToken } = IAM.withSession;
  const credentialsRequest: ApiRequest = { method: 'GET', path: '/credentials/programmatic', query: { environmentId: ENV } };
  expect((await world.iam(IAM.withSession).send(credentialsRequest)).status).toBe(200);
  expect(sessionToken).toBeDefined();
  const response = await world.iam(keysWithoutToken).send(credentialsRequest);
  expect(errorOf(response)).toMatchObject({ status: 403, type: 'UnrecognizedClientException' });
});

test('a credential scope for another region is refused', async () => {
  const response = await world.iam(IAM.admin).send(LIST_USERS, { region: 'eu-west-1' });
  expect(errorOf(response)).toEqual({
    status: 403,
    type: 'InvalidSignatureException',
    body: { message: "Credential should be scoped to a valid region, not 'eu-west-1'." },
  });
});

test('the region the emulator accepts is configurable', async () => {
  await world.emulator.stop();
  world = await startWorld({ region: 'eu-west-1' });
  expect(world.emulator.region).toBe('eu-west-1');
  const europe = new SignedClient(world.emulator.endpoint, IAM.admin, { region: 'eu-west-1', now: world.clock.now });
  expect((await europe.send({ method: 'GET', path: '/credentials/programmatic', query: { environmentId: ENV } })).status).toBe(200);
  expect((await world.iam(IAM.admin).send(LIST_USERS)).headers['x-amzn-errortype']).toBe('InvalidSignatureException');
});

test('a credential scope for another service is refused', async () => {
  const response = await world.iam(IAM.admin).send(LIST_USERS, { service: 'finspace' });
  expect(errorOf(response)).toEqual({
    status: 403,
    type: 'InvalidSignatureException',
    body: { message: "Credential should be scoped to correct service: 'finspace-api'." },
  });
});

test('a credential scope dated another day than X-Amz-Date is refused', async () => {
  const response = await world.iam(IAM.admin).send(LIST_USERS, {
    afterSigning: (request) => {
      request.headers.authorization = request.headers.authorization.replace('/20240115/', '/20240114/');
    },
  });
  expect(errorOf(response)).toEqual({
    status: 403,
    type: 'InvalidSignatureException',
    body: {
      message:
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240114' != '20240115', from '20240115T120000Z'.",
    },
  });
});

test('the host header must be signed', async () => {
  const response = await world.iam(IAM.admin).send(LIST_USERS, {
    afterSigning: (request) => {
      request.headers.authorization = request.headers.authorization.replace('SignedHeaders=host;', 'SignedHeaders=');
    },
  });
  expect(errorOf(response)).toEqual({
    status: 403,
    type: 'InvalidSignatureException',
    body: { message: "'Host' must be a 'SignedHeader' in the AWS Authorization." },
  });
});

describe('clock skew', () => {
  const minutes = (count: number) => count * 60_000;

  test('a signature 14 minutes old is accepted', async () => {
    const admin = await world.session(IAM.admin);
    const response = await admin.send(LIST_USERS, { signingDate: new Date(world.clock.now() - minutes(14)) });
    expect(response.status).toBe(200);
  });

  test('a signature more than 15 minutes old has expired', async () => {
    const admin = await world.session(IAM.admin);
    const response = await admin.send(LIST_USERS, { signingDate: new Date(world.clock.now() - minutes(16)) });
    expect(errorOf(response)).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      body: { message: 'Signature expired: 20240115T114400Z is now earlier than 20240115T114500Z (20240115T120000Z - 15 min.)' },
    });
  });

  test('a signature more than 15 minutes ahead is not yet current', async () => {
    const admin = await world.session(IAM.admin);
    const response = await admin.send(LIST_USERS, { signingDate: new Date(world.clock.now() + minutes(16)) });
    expect(errorOf(response)).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      body: { message: 'Signature not yet current: 20240115T121600Z is still later than 20240115T121500Z (20240115T120000Z + 15 min.)' },
    });
  });
});

describe('expiry of vended credentials', () => {
  const EXPIRED = {
    status: 403,
    type: 'ExpiredTokenException',
    body: { message: 'The security token included in the request is expired' },
  };

  test('credentials work until durationInMinutes has passed, then expire', async () => {
    const keys = await world.iam(IAM.admin).vendCredentials(ENV, 5);
    const admin = new SignedClient(world.emulator.endpoint, keys, { now: world.clock.now });
    world.clock.advance(5 * 60_000 - 1);
    expect((await admin.send(LIST_USERS)).status).toBe(200);
    world.clock.advance(1);
    expect(errorOf(await admin.send(LIST_USERS))).toEqual(EXPIRED);
  });

  test('without durationInMinutes they last 60 minutes', async () => {
    const admin = await world.session(IAM.admin);
    world.clock.advance(60 * 60_000 - 1);
    expect((await admin.send(LIST_USERS)).status).toBe(200);
    world.clock.advance(1);
    expect(errorOf(await admin.send(LIST_USERS))).toEqual(EXPIRED);
  });

  test('expireCredentials ends them at once, for one environment or all', async () => {
    const primary = await world.session(IAM.admin, ENV);
    const secondary = await world.session(IAM.admin, OTHER_ENV);
    world.emulator.expireCredentials(OTHER_ENV);
    expect((await primary.send(LIST_USERS)).status).toBe(200);
    expect(errorOf(await secondary.send(LIST_USERS))).toEqual(EXPIRED);
    world.emulator.expireCredentials();
    expect(errorOf(await primary.send(LIST_USERS))).toEqual(EXPIRED);
  });

  test('new credentials can be vended after expiry', async () => {
    await world.session(IAM.admin);
    world.emulator.expireCredentials();
    const fresh = await world.session(IAM.admin);
    expect((await fresh.send(LIST_USERS)).status).toBe(200);
  });
});

describe('malformed signatures', () => {
  test('an Authorization header without its parts is an IncompleteSignatureException', async () => {
    const response = await world.iam(IAM.admin).send(LIST_USERS, {
      afterSigning: (request) => {
        request.headers.authorization = 'AWS4-HMAC-SHA256 Credential=AKIAADMIN00000000001/20240115/us-east-1/finspace-api/aws4_request';
      },
    });
    expect(errorOf(response)).toEqual({
      status: 403,
      type: 'IncompleteSignatureException',
      body: { message: "Authorization header requires 'SignedHeaders', 'Signature' parameter(s). Authorization=AWS4-HMAC-SHA256" },
    });
  });

  test('another signing algorithm is an IncompleteSignatureException', async () => {
    const response = await world.iam(IAM.admin).send(LIST_USERS, {
      afterSigning: (request) => {
        request.headers.authorization = 'Bearer abc';
      },
    });
    expect(errorOf(response)).toMatchObject({ status: 403, type: 'IncompleteSignatureException' });
  });

  test('a missing X-Amz-Date is an IncompleteSignatureException', async () => {
    const response = await world.iam(IAM.admin).send(LIST_USERS, {
      afterSigning: (request) => {
        delete request.headers['x-amz-date'];
      },
    });
    expect(errorOf(response)).toEqual({
      status: 403,
      type: 'IncompleteSignatureException',
      body: { message: "Authorization header requires existence of a 'X-Amz-Date' header." },
    });
  });

  test('an X-Amz-Date not in ISO 8601 basic format is an IncompleteSignatureException', async () => {
    const response = await world.iam(IAM.admin).send(LIST_USERS, {
      afterSigning: (request) => {
        request.headers['x-amz-date'] = '2024-01-15T12:00:00Z';
      },
    });
    expect(errorOf(response)).toEqual({
      status: 403,
      type: 'IncompleteSignatureException',
      body: { message: "X-Amz-Date must be in ISO 8601 basic format (YYYYMMDD'T'HHMMSS'Z'). Got '2024-01-15T12:00:00Z'." },
    });
  });

  test('a credential scope without the aws4_request terminator is an IncompleteSignatureException', async () => {
    const response = await world.iam(IAM.admin).send(LIST_USERS, {
      afterSigning: (request) => {
        request.headers.authorization = request.headers.authorization.replace('/aws4_request', '/aws5_request');
      },
    });
    expect(errorOf(response)).toEqual({
      status: 403,
      type: 'IncompleteSignatureException',
      body: { message: "Credential should be scoped with a valid terminator: 'aws4_request'." },
    });
  });

  test('query-string signatures are refused with an explanation', async () => {
    const response = await world.iam(IAM.admin).send({ ...LIST_USERS, query: { 'maxResults': 10, 'X-Amz-Signature': 'abc' } }, { unsigned: true });
    expect(errorOf(response)).toMatchObject({ status: 403, type: 'IncompleteSignatureException' });
    expect(response.body.message).toContain('presigned');
  });
});

test('authentication failures are recorded with their error type and have no effect', async () => {
  const before = world.emulator.snapshot();
  await world.iam(IAM.admin).send(CREATE_GROUP, { unsigned: true });
  expect(world.emulator.snapshot()).toEqual(before);
  expect(world.emulator.calls).toEqual([
    expect.objectContaining({ operation: 'CreatePermissionGroup', statusCode: 403, errorType: 'MissingAuthenticationTokenException' }),
  ]);
});
