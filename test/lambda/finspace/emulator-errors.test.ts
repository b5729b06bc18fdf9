/**
 * Every error of the model, and the authentication errors, as the client
 * surfaces them: type, status, reason, message and request id, checked against
 * what the emulator recorded for the same request.
 */
import { declaredErrors, MODEL } from './support/model';
import { clientOf, ROLE_ARN, startEmulator } from './support/world';
import { FinSpaceDataError, isFinSpaceError, OPERATION_NAMES, type FinSpaceDataClient, type OperationName } from '../../../lambda/finspace';
import type { CallRecord, FinSpaceEmulator } from '../../../local/emulator';

let emulator: FinSpaceEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
  emulator.seed({
    iamPrincipals: [
      { accessKeyId: 'AKIANOPOLICY00000001', secretAccessKey: 'no-policy-secret', roleArn: ROLE_ARN, allowGetProgrammaticAccessCredentials: false },
    ],
  });
});
afterEach(() => {
  emulator.setFaults(undefined);
  emulator.setBehaviour({ maxPermissionGroups: null });
});
afterAll(() => emulator.stop());

async function failure(call: Promise<unknown>): Promise<FinSpaceDataError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FinSpaceDataError)) throw new Error(`expected a FinSpaceDataError, got ${String(error)}`);
  return error;
}

/** The last request the emulator answered for `operation`. */
function lastCall(operation: OperationName): CallRecord {
  const calls = emulator.calls.filter((call) => call.operation === operation);
  return calls[calls.length - 1];
}

function expectMatchesCall(error: FinSpaceDataError, call: CallRecord) {
  expect(error.name).toBe(call.errorType);
  expect(error.statusCode).toBe(call.statusCode);
  expect(error.requestId).toBe(call.requestId);
  expect(error.message).not.toBe('');
  expect(error.message).not.toMatch(/failed with HTTP/); // the service's own message, not the fallback
}

type Case = {
  error: string;
  operation: OperationName;
  reason?: string;
  act: (client: FinSpaceDataClient) => Promise<unknown>;
  prepare?: () => void;
};

const MODELED: Case[] = [
  {
    error: 'ResourceNotFoundException',
    operation: 'GetPermissionGroup',
    reason: 'PERMISSION_GROUP_NOT_FOUND',
    act: (client) => client.getPermissionGroup({ permissionGroupId: 'no-such-group' }),
  },
  {
    error: 'ValidationException',
    operation: 'ListPermissionGroupsByUser',
    reason: 'INVALID_PARAMETER',
    act: (client) => client.listPermissionGroupsByUser({ userId: 'apiUser', maxResults: 101 }),
  },
  {
    error: 'ConflictException',
    operation: 'CreatePermissionGroup',
    reason: 'PERMISSION_GROUP_NAME_EXISTS',
    act: async (client) => {
      await client.createPermissionGroup({ name: 'Taken name', applicationPermissions: [] });
      return client.createPermissionGroup({ name: 'Taken name', applicationPermissions: [] });
    },
  },
  {
    error: 'LimitExceededException',
    operation: 'CreatePermissionGroup',
    prepare: () => emulator.setBehaviour({ maxPermissionGroups: 0 }),
    act: (client) => client.createPermissionGroup({ name: 'one too many', applicationPermissions: [] }),
  },
  {
    error: 'AccessDeniedException',
    operation: 'GetProgrammaticAccessCredentials',
    act: (client) => client.getProgrammaticAccessCredentials({ environmentId: 'env-without-access' }),
  },
  {
    error: 'ThrottlingException',
    operation: 'ListPermissionGroupsByUser',
    prepare: () => emulator.setFaults({ throttleRate: 1, operations: ['ListPermissionGroupsByUser'] }),
    act: (client) => client.listPermissionGroupsByUser({ userId: 'apiUser', maxResults: 1 }),
  },
  {
    error: 'InternalServerException',
    operation: 'ListPermissionGroupsByUser',
    prepare: () => emulator.setFaults({ serverErrorRate: 1, operations: ['ListPermissionGroupsByUser'] }),
    act: (client) => client.listPermissionGroupsByUser({ userId: 'apiUser', maxResults: 1 }),
  },
];

test('the cases cover every error shape the model declares for the operations the client ships', () => {
  const declared = new Set(OPERATION_NAMES.flatMap(declaredErrors));
  expect(new Set(MODELED.map((c) => c.error))).toEqual(declared);
});

test.each(MODELED)('$error from $operation', async ({ error: name, operation, reason, act, prepare }) => {
  prepare?.();
  const error = await failure(act(clientOf(emulator, { maxAttempts: 2 })));
  expect(error.name).toBe(name);
  expect(error.operation).toBe(operation);
  expect(declaredErrors(operation)).toContain(name);
  expect(error.reason).toBe(reason);
  expect(error.statusCode).toBe(MODEL.shapes[name].error?.httpStatusCode);
  expectMatchesCall(error, lastCall(operation));
});

describe('authentication errors', () => {
  test('UnrecognizedClientException for an unknown base key', async () => {
    const client = clientOf(emulator, { credentials: async () => ({ accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'x' }) });
    const error = await failure(client.listPermissionGroupsByUser({ userId: 'apiUser', maxResults: 1 }));
    expect(error).toMatchObject({ name: 'UnrecognizedClientException', statusCode: 403, operation: 'GetProgrammaticAccessCredentials' });
    expectMatchesCall(error, lastCall('GetProgrammaticAccessCredentials'));
  });

  test('InvalidSignatureException for a wrong secret', async () => {
    const client = clientOf(emulator, {
      credentials: async () => ({ accessKeyId: 'AKIACLIENTTEST000001', secretAccessKey: 'wrong', sessionToken: 'role-session-token-for-tests' }),
    });
    const error = await failure(client.listPermissionGroupsByUser({ userId: 'apiUser', maxResults: 1 }));
    expect(error).toMatchObject({ name: 'InvalidSignatureException', statusCode: 403 });
    expectMatchesCall(error, lastCall('GetProgrammaticAccessCredentials'));
  });

  test('AccessDeniedException when the role lacks the IAM permission', async () => {
    const client = clientOf(emulator, {
      credentials: async () => ({ accessKeyId: 'AKIANOPOLICY00000001', secretAccessKey: 'no-policy-secret' }),
    });
    const error = await failure(client.listPermissionGroupsByUser({ userId: 'apiUser', maxResults: 1 }));
    expect(error).toMatchObject({ name: 'AccessDeniedException', statusCode: 403, operation: 'GetProgrammaticAccessCredentials' });
    expect(isFinSpaceError(error, 'AccessDeniedException')).toBe(true);
  });
});

test('a refused connection surfaces as the Node error with its code', async () => {
  const stopped = await startEmulator();
  const client = clientOf(stopped, { maxAttempts: 2 });
  await stopped.stop();
  await expect(client.listPermissionGroupsByUser({ userId: 'apiUser', maxResults: 1 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

test('error messages carry no sensitive input', async () => {
  const client = clientOf(emulator);
  const errors = [
    await client
      .createPermissionGroup({ name: 'Secret Person', applicationPermissions: [] })
      .then(() => failure(client.createPermissionGroup({ name: 'Secret Person', description: 'Hidden description', applicationPermissions: [] }))),
    await failure(client.createPermissionGroup({ name: 'x'.repeat(256), description: 'Hidden description', applicationPermissions: [] })),
    await failure(client.updatePermissionGroup({ permissionGroupId: 'no-such-group', name: 'Secret', description: 'Person' })),
  ];
  expect(errors.map((error) => error.name)).toEqual(['ConflictException', 'ValidationException', 'ResourceNotFoundException']);
  const text = errors.map((error) => `${error.message} ${error.reason} ${error.stack}`).join('\n');
  for (const value of ['Secret', 'Person', 'x'.repeat(256), 'Hidden description']) {
    expect(text).not.toContain(value);
  }
});
