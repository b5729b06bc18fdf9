/**
 * Types of the FinSpace Data operations this library uses, transcribed from the
 * official API model (model/finspace-data.json, API version 2020-07-13).
 *
 * Enums follow the AWS SDK v3 convention: a frozen object of values plus a
 * string-literal union of the same name, so `ApplicationPermission.CreateDataset`
 * and plain `'CreateDataset'` are both accepted.
 *
 * Members the model marks sensitive (group name and description, a user's names
 * and e-mail address, credentials) are tagged `@sensitive`: they must never
 * reach a log line or an error message.
 */

import { APPLICATION_PERMISSIONS, type ApplicationPermissionValue } from '../../contract/application-permissions';

export const ApplicationPermission = Object.freeze(
  Object.fromEntries(APPLICATION_PERMISSIONS.map(permission => [permission, permission])),
) as { readonly [P in ApplicationPermissionValue]: P };
export type ApplicationPermission = ApplicationPermissionValue;

export const UserType = {
  SUPER_USER: 'SUPER_USER',
  APP_USER: 'APP_USER',
} as const;
export type UserType = (typeof UserType)[keyof typeof UserType];

export const UserStatus = {
  CREATING: 'CREATING',
  ENABLED: 'ENABLED',
  DISABLED: 'DISABLED',
} as const;
export type UserStatus = (typeof UserStatus)[keyof typeof UserStatus];

export const ApiAccess = {
  ENABLED: 'ENABLED',
  DISABLED: 'DISABLED',
} as const;
export type ApiAccess = (typeof ApiAccess)[keyof typeof ApiAccess];

export const PermissionGroupMembershipStatus = {
  ADDITION_IN_PROGRESS: 'ADDITION_IN_PROGRESS',
  ADDITION_SUCCESS: 'ADDITION_SUCCESS',
  REMOVAL_IN_PROGRESS: 'REMOVAL_IN_PROGRESS',
} as const;
export type PermissionGroupMembershipStatus =
  (typeof PermissionGroupMembershipStatus)[keyof typeof PermissionGroupMembershipStatus];

// ---------------------------------------------------------------------------
// Structures returned by the service. Timestamps are epoch milliseconds (the
// model types them as `long`, not as timestamps).

export interface PermissionGroup {
  readonly permissionGroupId?: string;
  /** @sensitive */
  readonly name?: string;
  /** @sensitive */
  readonly description?: string;
  readonly applicationPermissions?: ApplicationPermission[];
  readonly createTime?: number;
  readonly lastModifiedTime?: number;
  readonly membershipStatus?: PermissionGroupMembershipStatus;
}

export interface PermissionGroupByUser {
  readonly permissionGroupId?: string;
  /** @sensitive */
  readonly name?: string;
  readonly membershipStatus?: PermissionGroupMembershipStatus;
}

interface UserIdentity {
  readonly userId?: string;
  readonly status?: UserStatus;
  /** @sensitive */
  readonly firstName?: string;
  /** @sensitive */
  readonly lastName?: string;
  /** @sensitive */
  readonly emailAddress?: string;
  readonly type?: UserType;
  readonly apiAccess?: ApiAccess;
  readonly apiAccessPrincipalArn?: string;
}

export interface User extends UserIdentity {
  readonly createTime?: number;
  readonly lastEnabledTime?: number;
  readonly lastDisabledTime?: number;
  readonly lastModifiedTime?: number;
  readonly lastLoginTime?: number;
}

export interface UserByPermissionGroup extends UserIdentity {
  readonly membershipStatus?: PermissionGroupMembershipStatus;
}

/** @sensitive as a whole. */
export interface Credentials {
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
}

// ---------------------------------------------------------------------------
// Requests and responses. `clientToken` is the model's idempotency token: when
// omitted the client fills in a random UUID, as the AWS SDKs do.

export interface CreatePermissionGroupRequest {
  /** @sensitive */
  readonly name: string;
  /** @sensitive */
  readonly description?: string;
  readonly applicationPermissions: ApplicationPermission[];
  readonly clientToken?: string;
}
export interface CreatePermissionGroupResponse {
  readonly permissionGroupId?: string;
}

export interface UpdatePermissionGroupRequest {
  readonly permissionGroupId: string;
  /** @sensitive */
  readonly name?: string;
  /** @sensitive */
  readonly description?: string;
  readonly applicationPermissions?: ApplicationPermission[];
  readonly clientToken?: string;
}
export interface UpdatePermissionGroupResponse {
  readonly permissionGroupId?: string;
}

export interface DeletePermissionGroupRequest {
  readonly permissionGroupId: string;
  readonly clientToken?: string;
}
export interface DeletePermissionGroupResponse {
  readonly permissionGroupId?: string;
}

export interface GetPermissionGroupRequest {
  readonly permissionGroupId: string;
}
export interface GetPermissionGroupResponse {
  readonly permissionGroup?: PermissionGroup;
}

export interface ListPermissionGroupsRequest {
  readonly nextToken?: string;
  /** 1..100 */
  readonly maxResults: number;
}
export interface ListPermissionGroupsResponse {
  readonly permissionGroups?: PermissionGroup[];
  readonly nextToken?: string;
}

export interface AssociateUserToPermissionGroupRequest {
  readonly permissionGroupId: string;
  readonly userId: string;
  readonly clientToken?: string;
}
/** The service answers with an empty body; the model exposes the HTTP status instead. */
export interface AssociateUserToPermissionGroupResponse {
  readonly statusCode?: number;
}

export interface DisassociateUserFromPermissionGroupRequest {
  readonly permissionGroupId: string;
  readonly userId: string;
  readonly clientToken?: string;
}
export interface DisassociateUserFromPermissionGroupResponse {
  readonly statusCode?: number;
}

export interface ListUsersByPermissionGroupRequest {
  readonly permissionGroupId: string;
  readonly nextToken?: string;
  /** 1..100 */
  readonly maxResults: number;
}
export interface ListUsersByPermissionGroupResponse {
  readonly users?: UserByPermissionGroup[];
  readonly nextToken?: string;
}

export interface ListPermissionGroupsByUserRequest {
  readonly userId: string;
  readonly nextToken?: string;
  /** 1..100 */
  readonly maxResults: number;
}
export interface ListPermissionGroupsByUserResponse {
  readonly permissionGroups?: PermissionGroupByUser[];
  readonly nextToken?: string;
}

export interface GetUserRequest {
  readonly userId: string;
}
export type GetUserResponse = User;

export interface ListUsersRequest {
  readonly nextToken?: string;
  /** 1..100 */
  readonly maxResults: number;
}
export interface ListUsersResponse {
  readonly users?: User[];
  readonly nextToken?: string;
}

export interface CreateUserRequest {
  /** @sensitive */
  readonly emailAddress: string;
  readonly type: UserType;
  /** @sensitive */
  readonly firstName?: string;
  /** @sensitive */
  readonly lastName?: string;
  readonly apiAccess?: ApiAccess;
  readonly apiAccessPrincipalArn?: string;
  readonly clientToken?: string;
}
export interface CreateUserResponse {
  readonly userId?: string;
}

export interface UpdateUserRequest {
  readonly userId: string;
  readonly type?: UserType;
  /** @sensitive */
  readonly firstName?: string;
  /** @sensitive */
  readonly lastName?: string;
  readonly apiAccess?: ApiAccess;
  readonly apiAccessPrincipalArn?: string;
  readonly clientToken?: string;
}
export interface UpdateUserResponse {
  readonly userId?: string;
}

export interface EnableUserRequest {
  readonly userId: string;
  readonly clientToken?: string;
}
export interface EnableUserResponse {
  readonly userId?: string;
}

export interface DisableUserRequest {
  readonly userId: string;
  readonly clientToken?: string;
}
export interface DisableUserResponse {
  readonly userId?: string;
}

export interface GetProgrammaticAccessCredentialsRequest {
  readonly environmentId: string;
  /** 1..60 */
  readonly durationInMinutes?: number;
}
export interface GetProgrammaticAccessCredentialsResponse {
  /** @sensitive */
  readonly credentials?: Credentials;
  readonly durationInMinutes?: number;
}

/** Input and output type of every operation, keyed by the model's operation name. */
export interface FinSpaceDataOperations {
  CreatePermissionGroup: { input: CreatePermissionGroupRequest; output: CreatePermissionGroupResponse };
  UpdatePermissionGroup: { input: UpdatePermissionGroupRequest; output: UpdatePermissionGroupResponse };
  DeletePermissionGroup: { input: DeletePermissionGroupRequest; output: DeletePermissionGroupResponse };
  GetPermissionGroup: { input: GetPermissionGroupRequest; output: GetPermissionGroupResponse };
  ListPermissionGroups: { input: ListPermissionGroupsRequest; output: ListPermissionGroupsResponse };
  AssociateUserToPermissionGroup: {
    input: AssociateUserToPermissionGroupRequest;
    output: AssociateUserToPermissionGroupResponse;
  };
  DisassociateUserFromPermissionGroup: {
    input: DisassociateUserFromPermissionGroupRequest;
    output: DisassociateUserFromPermissionGroupResponse;
  };
  ListUsersByPermissionGroup: { input: ListUsersByPermissionGroupRequest; output: ListUsersByPermissionGroupResponse };
  ListPermissionGroupsByUser: { input: ListPermissionGroupsByUserRequest; output: ListPermissionGroupsByUserResponse };
  GetUser: { input: GetUserRequest; output: GetUserResponse };
  ListUsers: { input: ListUsersRequest; output: ListUsersResponse };
  CreateUser: { input: CreateUserRequest; output: CreateUserResponse };
  UpdateUser: { input: UpdateUserRequest; output: UpdateUserResponse };
  EnableUser: { input: EnableUserRequest; output: EnableUserResponse };
  DisableUser: { input: DisableUserRequest; output: DisableUserResponse };
  GetProgrammaticAccessCredentials: {
    input: GetProgrammaticAccessCredentialsRequest;
    output: GetProgrammaticAccessCredentialsResponse;
  };
}

export type OperationName = keyof FinSpaceDataOperations;
export type OperationInput<Op extends OperationName> = FinSpaceDataOperations[Op]['input'];
export type OperationOutput<Op extends OperationName> = FinSpaceDataOperations[Op]['output'];
