/**
 * The operations that act as a FinSpace user, by name. The table's type makes
 * the compiler insist on one handler for each of them.
 */
import { OperationName } from '../model';
import { OperationHandler } from './context';
import { associateUserToPermissionGroup, disassociateUserFromPermissionGroup, listPermissionGroupsByUser, listUsersByPermissionGroup } from './memberships';
import { createPermissionGroup, deletePermissionGroup, getPermissionGroup, listPermissionGroups, updatePermissionGroup } from './permission-groups';
import { createUser, disableUser, enableUser, getUser, listUsers, updateUser } from './users';

export const USER_OPERATIONS: { readonly [Name in Exclude<OperationName, 'GetProgrammaticAccessCredentials'>]: OperationHandler<never> } = {
  CreatePermissionGroup: createPermissionGroup,
  UpdatePermissionGroup: updatePermissionGroup,
  DeletePermissionGroup: deletePermissionGroup,
  GetPermissionGroup: getPermissionGroup,
  ListPermissionGroups: listPermissionGroups,
  AssociateUserToPermissionGroup: associateUserToPermissionGroup,
  DisassociateUserFromPermissionGroup: disassociateUserFromPermissionGroup,
  ListUsersByPermissionGroup: listUsersByPermissionGroup,
  ListPermissionGroupsByUser: listPermissionGroupsByUser,
  CreateUser: createUser,
  GetUser: getUser,
  UpdateUser: updateUser,
  ListUsers: listUsers,
  EnableUser: enableUser,
  DisableUser: disableUser,
};

export { getProgrammaticAccessCredentials } from './programmatic-access';
