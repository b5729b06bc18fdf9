/**
 * The emulator's routes, shapes and error lists come from the model; these
 * tests hold the derivation against facts written down independently.
 */
import { ServiceError, asDeclaredError, frontDoorError, modeledError } from '../../../local/emulator/errors';
import { OPERATION_NAMES, idempotencyMembersOf, inputShapeOf } from '../../../local/emulator/model';
import { USER_OPERATIONS } from '../../../local/emulator/operations';
import { matchRoute, serializeOutput } from '../../../local/emulator/protocol';
import { describeViolations, validateStructure } from '../../../local/emulator/validation';

/** The routes as the FinSpace Data API reference lists them. */
const ROUTES: [string, string, string][] = [
  ['CreatePermissionGroup', 'POST', '/permission-group'],
  ['UpdatePermissionGroup', 'PUT', '/permission-group/g1'],
  ['DeletePermissionGroup', 'DELETE', '/permission-group/g1'],
  ['GetPermissionGroup', 'GET', '/permission-group/g1'],
  ['ListPermissionGroups', 'GET', '/permission-group'],
  ['AssociateUserToPermissionGroup', 'POST', '/permission-group/g1/users/u1'],
  ['DisassociateUserFromPermissionGroup', 'DELETE', '/permission-group/g1/users/u1'],
  ['ListUsersByPermissionGroup', 'GET', '/permission-group/g1/users'],
  ['ListPermissionGroupsByUser', 'GET', '/user/u1/permission-groups'],
  ['GetUser', 'GET', '/user/u1'],
  ['ListUsers', 'GET', '/user'],
  ['CreateUser', 'POST', '/user'],
  ['UpdateUser', 'PUT', '/user/u1'],
  ['EnableUser', 'POST', '/user/u1/enable'],
  ['DisableUser', 'POST', '/user/u1/disable'],
  ['GetProgrammaticAccessCredentials', 'GET', '/credentials/programmatic'],
];

describe('routing', () => {
  test('the model has exactly the 16 operations', () => {
    expect([...OPERATION_NAMES].sort()).toEqual(ROUTES.map(([operation]) => operation).sort());
  });

  test.each(ROUTES)('%s is %s %s', (operation, method, path) => {
    expect(matchRoute(method, path)?.operation).toBe(operation);
  });

  test('labels are captured still encoded; the protocol decodes them', () => {
    expect(matchRoute('POST', '/permission-group/g%201/users/u1')?.rawLabels).toEqual({ permissionGroupId: 'g%201', userId: 'u1' });
  });

  test('near misses match nothing', () => {
    expect(matchRoute('GET', '/permission-group/')).toBeUndefined();
    expect(matchRoute('GET', '/permission-group/g1/users/u1/extra')).toBeUndefined();
    expect(matchRoute('PATCH', '/user/u1')).toBeUndefined();
  });

  test('every operation but GetProgrammaticAccessCredentials has a user-scoped handler', () => {
    expect(Object.keys(USER_OPERATIONS).sort()).toEqual(OPERATION_NAMES.filter((name) => name !== 'GetProgrammaticAccessCredentials').sort());
  });
});

test('the clientToken is the idempotency token of exactly the mutating operations', () => {
  const withToken = OPERATION_NAMES.filter((operation) => idempotencyMembersOf(operation).length > 0).sort();
  expect(withToken).toEqual(
    [
      'AssociateUserToPermissionGroup',
      'CreatePermissionGroup',
      'CreateUser',
      'DeletePermissionGroup',
      'DisableUser',
      'DisassociateUserFromPermissionGroup',
      'EnableUser',
      'UpdatePermissionGroup',
      'UpdateUser',
    ].sort(),
  );
  expect(OPERATION_NAMES.flatMap(idempotencyMembersOf).every((member) => member === 'clientToken')).toBe(true);
});

test('validation reads the constraints of the input shape', () => {
  const violations = validateStructure(inputShapeOf('GetProgrammaticAccessCredentials'), { durationInMinutes: 90 });
  expect(describeViolations(violations)).toBe(
    '2 validation errors detected: ' +
      "Value '90' at 'durationInMinutes' failed to satisfy constraint: Member must have value less than or equal to 60; " +
      "Value null at 'environmentId' failed to satisfy constraint: Member must not be null",
  );
});

describe('errors', () => {
  test('statuses come from the model', () => {
    expect(modeledError('ConflictException', 'x').statusCode).toBe(409);
    expect(modeledError('LimitExceededException', 'x').statusCode).toBe(400);
    expect(modeledError('ThrottlingException', 'x').statusCode).toBe(429);
  });

  test('a reason is only accepted by shapes that have one', () => {
    expect(modeledError('ResourceNotFoundException', 'x', 'USER_NOT_FOUND').reason).toBe('USER_NOT_FOUND');
    expect(() => modeledError('AccessDeniedException', 'x', 'USER_NOT_FOUND')).toThrow('AccessDeniedException has no reason member in the model');
  });

  test('an error the operation does not declare becomes a visible defect', () => {
    const undeclared = asDeclaredError('GetProgrammaticAccessCredentials', modeledError('ResourceNotFoundException', 'gone', 'USER_NOT_FOUND'));
    expect(undeclared).toMatchObject({
      errorType: 'InternalServerException',
      statusCode: 500,
      message: 'Emulator defect: GetProgrammaticAccessCredentials does not declare ResourceNotFoundException.',
    });
    expect(asDeclaredError('GetUser', new TypeError('boom')).message).toBe('Emulator defect: boom');
  });

  test('declared and front-door errors pass unchanged', () => {
    const declared = modeledError('ResourceNotFoundException', 'gone', 'USER_NOT_FOUND');
    expect(asDeclaredError('GetUser', declared)).toBe(declared);
    const frontDoor: ServiceError = frontDoorError('ExpiredTokenException', 'expired');
    expect(asDeclaredError('GetUser', frontDoor)).toBe(frontDoor);
  });
});

describe('output serialization', () => {
  test('a statusCode member becomes the HTTP status and leaves the body empty', () => {
    expect(serializeOutput('AssociateUserToPermissionGroup', { statusCode: 200 }, 'rid')).toMatchObject({ statusCode: 200, body: '{}' });
  });

  test('a member the output shape does not have is refused', () => {
    expect(() => serializeOutput('GetUser', { userId: 'u1', password: 'x' }, 'rid')).toThrow('GetUser output has no member password');
    expect(() => serializeOutput('GetPermissionGroup', { permissionGroup: { permissionGroupId: 'g', owner: 'x' } }, 'rid')).toThrow(
      'GetPermissionGroup.permissionGroup has no member owner',
    );
  });

  test('unset optional members are left out', () => {
    expect(JSON.parse(serializeOutput('CreateUser', { userId: 'u1' }, 'rid').body)).toEqual({ userId: 'u1' });
    expect(JSON.parse(serializeOutput('ListUsers', { users: [], nextToken: undefined }, 'rid').body)).toEqual({ users: [] });
  });
});
