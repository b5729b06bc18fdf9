/**
 * How each operation travels over HTTP (rest-json), in the shape of the model's
 * `http` trait and member `location`s. The request serializer is driven by this
 * table alone, and the contract test compares it with the official model.
 */
import type { OperationInput, OperationName, OperationOutput } from './model';

type MemberOf<T> = Extract<keyof T, string>;

/**
 * Generic over the member names so the table below is checked against the
 * input and output types; the serializer reads it with plain strings.
 */
export interface OperationDescriptor<InputMember extends string = string, OutputMember extends string = string> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /**
   * Request URI template. Each `{label}` is filled with the input member of the
   * same name (in this model the label and the member name always agree).
   */
  readonly uri: string;
  /** Members sent as query-string parameters (wire name = member name). */
  readonly query?: readonly InputMember[];
  /** Members sent as top-level fields of a JSON body; present iff the operation has a body. */
  readonly body?: readonly InputMember[];
  /** The member the model flags `idempotencyToken`: filled with a UUID when the caller omits it. */
  readonly idempotencyToken?: InputMember;
  /** Input members whose shape the model marks sensitive: redacted from error messages. */
  readonly sensitive?: readonly InputMember[];
  /** Output member bound to the HTTP status code (`location: statusCode`). */
  readonly statusCodeMember?: OutputMember;
}

export type OperationTable = {
  readonly [Op in OperationName]: OperationDescriptor<MemberOf<OperationInput<Op>>, MemberOf<OperationOutput<Op>>>;
};

export const OPERATIONS: OperationTable = {
  CreatePermissionGroup: {
    method: 'POST',
    uri: '/permission-group',
    body: ['name', 'description', 'applicationPermissions', 'clientToken'],
    idempotencyToken: 'clientToken',
    sensitive: ['name', 'description'],
  },
  UpdatePermissionGroup: {
    method: 'PUT',
    uri: '/permission-group/{permissionGroupId}',
    body: ['name', 'description', 'applicationPermissions', 'clientToken'],
    idempotencyToken: 'clientToken',
    sensitive: ['name', 'description'],
  },
  DeletePermissionGroup: {
    method: 'DELETE',
    uri: '/permission-group/{permissionGroupId}',
    query: ['clientToken'],
    idempotencyToken: 'clientToken',
  },
  GetPermissionGroup: {
    method: 'GET',
    uri: '/permission-group/{permissionGroupId}',
  },
  ListPermissionGroups: {
    method: 'GET',
    uri: '/permission-group',
    query: ['nextToken', 'maxResults'],
  },
  AssociateUserToPermissionGroup: {
    method: 'POST',
    uri: '/permission-group/{permissionGroupId}/users/{userId}',
    body: ['clientToken'],
    idempotencyToken: 'clientToken',
    statusCodeMember: 'statusCode',
  },
  DisassociateUserFromPermissionGroup: {
    method: 'DELETE',
    uri: '/permission-group/{permissionGroupId}/users/{userId}',
    query: ['clientToken'],
    idempotencyToken: 'clientToken',
    statusCodeMember: 'statusCode',
  },
  ListUsersByPermissionGroup: {
    method: 'GET',
    uri: '/permission-group/{permissionGroupId}/users',
    query: ['nextToken', 'maxResults'],
  },
  ListPermissionGroupsByUser: {
    method: 'GET',
    uri: '/user/{userId}/permission-groups',
    query: ['nextToken', 'maxResults'],
  },
  GetUser: {
    method: 'GET',
    uri: '/user/{userId}',
  },
  ListUsers: {
    method: 'GET',
    uri: '/user',
    query: ['nextToken', 'maxResults'],
  },
  CreateUser: {
    method: 'POST',
    uri: '/user',
    body: ['emailAddress', 'type', 'firstName', 'lastName', 'apiAccess', 'apiAccessPrincipalArn', 'clientToken'],
    idempotencyToken: 'clientToken',
    sensitive: ['emailAddress', 'firstName', 'lastName'],
  },
  UpdateUser: {
    method: 'PUT',
    uri: '/user/{userId}',
    body: ['type', 'firstName', 'lastName', 'apiAccess', 'apiAccessPrincipalArn', 'clientToken'],
    idempotencyToken: 'clientToken',
    sensitive: ['firstName', 'lastName'],
  },
  EnableUser: {
    method: 'POST',
    uri: '/user/{userId}/enable',
    body: ['clientToken'],
    idempotencyToken: 'clientToken',
  },
  DisableUser: {
    method: 'POST',
    uri: '/user/{userId}/disable',
    body: ['clientToken'],
    idempotencyToken: 'clientToken',
  },
  GetProgrammaticAccessCredentials: {
    method: 'GET',
    uri: '/credentials/programmatic',
    query: ['durationInMinutes', 'environmentId'],
  },
};

export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];
