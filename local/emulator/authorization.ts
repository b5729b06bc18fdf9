/**
 * The service's two authorization layers (FinSpace user guide, temporary credentials):
 * IAM decides who may call GetProgrammaticAccessCredentials (operations/programmatic-access.ts),
 * and FinSpace itself decides what the user behind vended credentials may do (here).
 *
 * Denials say what is missing: the emulator is a test tool, and a precise
 * reason saves a debugging session. Callers must have settled the environment.
 */
import { Principal } from './credentials';
import { EnvironmentState } from './environment';
import { modeledError } from './errors';
import { OperationName } from './model';

/** The permission that lets an application user manage users and groups. */
export const MANAGE_USERS_AND_GROUPS = 'ManageUsersAndGroups';

/** Every refusal of either layer is an AccessDeniedException; only the message differs. */
export const denied = (message: string) => modeledError('AccessDeniedException', message);

/**
 * Every operation other than GetProgrammaticAccessCredentials acts as the
 * FinSpace user the credentials were vended for, who must still be ENABLED and
 * be a superuser or a settled member of a group with ManageUsersAndGroups.
 * Answers the environment the credentials act in.
 */
export function authorizeUserManagement(operation: OperationName, principal: Principal, environment: EnvironmentState | undefined): EnvironmentState {
  if (principal.kind !== 'vended') {
    throw denied(
      `${operation} must be signed with temporary credentials from GetProgrammaticAccessCredentials; ` +
        'IAM credentials are only authorized for GetProgrammaticAccessCredentials.',
    );
  }
  const user = environment?.users.get(principal.userId);
  if (!environment || !user) throw denied(`The FinSpace user '${principal.userId}' behind these credentials no longer exists.`);
  if (user.status !== 'ENABLED') throw denied(`The FinSpace user '${user.userId}' behind these credentials is ${user.status}.`);
  if (user.type !== 'SUPER_USER' && !managesUsersAndGroups(environment, user.userId)) {
    throw denied(
      `The FinSpace user '${user.userId}' is neither a superuser nor an ADDITION_SUCCESS member of a permission group ` +
        `with ${MANAGE_USERS_AND_GROUPS}, which ${operation} requires.`,
    );
  }
  return environment;
}

function managesUsersAndGroups(environment: EnvironmentState, userId: string): boolean {
  return environment.membershipsOf(userId).some(
    ({ group, membership }) => membership.status === 'ADDITION_SUCCESS' && group.applicationPermissions.includes(MANAGE_USERS_AND_GROUPS),
  );
}
