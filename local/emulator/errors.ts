/**
 * Errors in the two families the real endpoint has: the model's (status and `reason` read
 * from their shapes) and the AWS front door's (authentication, routing, parsing).
 */
import { OperationName, declaredErrorsOf, shapeNamed } from './model';

/** Error shapes of the model. */
export type ModeledErrorName =
  | 'AccessDeniedException' | 'ConflictException' | 'InternalServerException' | 'LimitExceededException'
  | 'ResourceNotFoundException' | 'ThrottlingException' | 'ValidationException';

/** Errors raised before an operation runs; names and statuses are the ones AWS front ends use. */
const FRONT_DOOR_ERRORS = {
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
  UnknownOperationException: 404,
  SerializationException: 400,
  RequestEntityTooLargeException: 413,
} as const;

export type FrontDoorErrorName = keyof typeof FRONT_DOOR_ERRORS;

/** The service documents no `reason` values, so these are the emulator's own: clients must show them, never branch on them. */
export type Reason =
  | 'INVALID_PARAMETER' | 'INVALID_PAGINATION_TOKEN' | 'CLIENT_TOKEN_REUSED'
  | 'PERMISSION_GROUP_NOT_FOUND' | 'PERMISSION_GROUP_NAME_EXISTS' | 'PERMISSION_GROUP_HAS_MEMBERS'
  | 'USER_NOT_FOUND' | 'USER_NOT_IN_GROUP' | 'USER_ALREADY_IN_GROUP' | 'MEMBERSHIP_REMOVAL_IN_PROGRESS'
  | 'USER_DISABLED' | 'USER_CREATING' | 'SUPER_USER_NOT_ALLOWED' | 'EMAIL_ADDRESS_EXISTS' | 'API_ACCESS_PRINCIPAL_IN_USE';

export class ServiceError extends Error {
  constructor(
    /** Sent as `x-amzn-errortype`. */
    readonly errorType: ModeledErrorName | FrontDoorErrorName,
    readonly statusCode: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** `reason` is only accepted for shapes that have that member, so it never leaks into a body the service would not send. */
export function modeledError(name: ModeledErrorName, message: string, reason?: Reason): ServiceError {
  const shape = shapeNamed(name);
  if (!shape.exception || !shape.error) throw new Error(`${name} is not an error shape of the model`);
  if (reason !== undefined && !shape.members?.reason) throw new Error(`${name} has no reason member in the model`);
  return new ServiceError(name, shape.error.httpStatusCode, message, reason);
}

export function frontDoorError(name: FrontDoorErrorName, message: string): ServiceError {
  return new ServiceError(name, FRONT_DOOR_ERRORS[name], message);
}

/** An undeclared error of the model, or any other exception, is an emulator defect: a 500 that says so, never what the service could not send. */
export function asDeclaredError(operation: OperationName, error: unknown): ServiceError {
  if (error instanceof ServiceError) {
    // Front-door errors come before any operation; the model's must be declared by the operation.
    if (error.errorType in FRONT_DOOR_ERRORS || declaredErrorsOf(operation).includes(error.errorType)) return error;
    return modeledError('InternalServerException', `Emulator defect: ${operation} does not declare ${error.errorType}.`);
  }
  return modeledError('InternalServerException', `Emulator defect: ${error instanceof Error ? error.message : String(error)}`);
}
