import { FinSpaceDataError, isFinSpaceError } from '../../../lambda/finspace';
import { errorFromResponse } from '../../../lambda/finspace/errors';

const response = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('errorFromResponse', () => {
  test('reads type, message, reason and request id', () => {
    const error = errorFromResponse(
      'GetPermissionGroup',
      response(404, { message: 'Group not found', reason: 'PERMISSION_GROUP_NOT_FOUND' }, {
        'x-amzn-errortype': 'ResourceNotFoundException',
        'x-amzn-requestid': 'req-1',
      }),
    );
    expect(error).toBeInstanceOf(FinSpaceDataError);
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      statusCode: 404,
      message: 'Group not found',
      reason: 'PERMISSION_GROUP_NOT_FOUND',
      requestId: 'req-1',
      operation: 'GetPermissionGroup',
    });
  });

  test.each([
    ['header with a documentation suffix', { 'x-amzn-errortype': 'ConflictException:http://internal.amazon.com/coral/' }, {}],
    ['body __type with a namespace', {}, { __type: 'com.amazonaws.finspace#ConflictException' }],
    ['body code', {}, { code: 'ConflictException' }],
    ['header first, body ignored', { 'x-amzn-errortype': 'ConflictException' }, { __type: 'Other' }],
  ])('takes the type from the %s', (_, headers, body) => {
    expect(errorFromResponse('CreatePermissionGroup', response(409, body, headers)).name).toBe('ConflictException');
  });

  test('a body that is not JSON still yields an error with a useful message', () => {
    const error = errorFromResponse('ListUsersByPermissionGroup', response(502, '<html>Bad Gateway</html>', { 'x-amz-request-id': 'req-2' }));
    expect(error).toMatchObject({ name: 'UnknownError', statusCode: 502, requestId: 'req-2' });
    expect(error.message).toBe('ListUsersByPermissionGroup failed with HTTP 502 UnknownError');
  });

  test('sensitive input echoed by the service is redacted from message and reason, longest value first', () => {
    const error = errorFromResponse(
      'CreatePermissionGroup',
      response(409, { message: 'User Jane.Doe@Example.com (Doe) exists', reason: 'conflict for jane.doe@example.com' }, {
        'x-amzn-errortype': 'ConflictException',
      }),
      ['Doe', 'jane.doe@example.com'],
    );
    expect(error.message).toBe('User *** (***) exists');
    expect(error.reason).toBe('conflict for ***');
  });

  test('very short sensitive values are not used for redaction', () => {
    const error = errorFromResponse('CreatePermissionGroup', response(400, { message: 'a bad request' }), ['a']);
    expect(error.message).toBe('a bad request');
  });

  test('redaction treats values literally, not as patterns', () => {
    const error = errorFromResponse('CreatePermissionGroup', response(400, { message: 'name a.b* (x) rejected, axbb too' }), [
      'a.b* (x)',
    ]);
    expect(error.message).toBe('name *** rejected, axbb too');
  });
});

describe('isFinSpaceError', () => {
  const error = new FinSpaceDataError({ name: 'ThrottlingException', message: 'slow down', statusCode: 429, operation: 'ListUsersByPermissionGroup' });

  test('matches the class, and the type when given', () => {
    expect(isFinSpaceError(error)).toBe(true);
    expect(isFinSpaceError(error, 'ThrottlingException')).toBe(true);
    expect(isFinSpaceError(error, 'ConflictException')).toBe(false);
  });

  test('rejects other errors and non-errors', () => {
    expect(isFinSpaceError(Object.assign(new Error('x'), { name: 'ThrottlingException' }), 'ThrottlingException')).toBe(false);
    expect(isFinSpaceError(undefined)).toBe(false);
  });

  test('is a real Error with a stack and the type as name', () => {
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe('ThrottlingException: slow down');
    expect(error.stack).toContain('ThrottlingException');
  });
});
