/**
 * The operations that act as a FinSpace user, by name. Each module exports its
 * handlers under the operation's name in camel case; the type of the table makes
 * the compiler insist on one handler for each operation.
 */
import { OperationName } from '../model';
import { OperationHandler } from './context';
import * as memberships from './memberships';
import * as permissionGroups from './permission-groups';
import * as users from './users';

type UserOperationName = Exclude<OperationName, 'GetProgrammaticAccessCredentials'>;

const HANDLERS: { readonly [Name in UserOperationName as Uncapitalize<Name>]: OperationHandler<never> } = {
  ...permissionGroups, ...memberships, ...users,
};

export const USER_OPERATIONS = Object.fromEntries(
  Object.entries(HANDLERS).map(([name, handler]) => [name[0].toUpperCase() + name.slice(1), handler]),
) as { readonly [Name in UserOperationName]: OperationHandler<never> };

export { getProgrammaticAccessCredentials } from './programmatic-access';
