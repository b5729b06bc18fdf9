/**
 * The service's two authorization layers (FinSpace user guide, temporary credentials):
 * IAM decides who may call GetProgrammaticAccessCredentials, and FinSpace
 * itself decides what the user behind vended credentials may do.
 *
 * Denials say what is missing: the emulator is a test tool, and a precise
 * reason saves a debugging session. Callers must have settled the environment.
 */
import { IamPrincipal, Principal, VendedCredentials } from './credentials';
import { EnvironmentState, UserRecord } from './environment';
import { modeledError } from './errors';
import { OperationName } from './model';

const CREDENTIALS_ACTION = 'finspace-api:GetProgrammaticAccessCredentials';

/** The permission that lets an application user manage users and groups. */
export const MANAGE_USERS_AND_GROUPS = 'ManageUsersAndGroups';

/** Every refusal of either layer is an AccessDeniedException; only the message differs. */
const denied = (message: string) => modeledError('AccessDeniedException', message);

/**
 * Finds the FinSpace user the IAM principal may obtain credentials for.
 * An unknown environment is an AccessDeniedException too: the operation's error
 * list has no ResourceNotFoundException, and IAM-style APIs do not reveal which
 * resources exist to callers who may not use them.
 */
export function authorizeCredentialVending(
  principal: Principal,
  environment: EnvironmentState | undefined,
  environmentId: string,
  region: string,
  uniqueApiAccessPrincipals: boolean,
): UserRecord {
  if (principal.kind !== 'iam') {
    throw denied(
      'Temporary FinSpace credentials are not authorized to call GetProgrammaticAccessCredentials; ' +
        'sign it with the IAM credentials of the role registered on a FinSpace user.',
    );
  }
  if (!principal.allowGetProgrammaticAccessCredentials) {
    throw denied(
      `User: ${principal.roleArn} is not authorized to perform: ${CREDENTIALS_ACTION} on resource: ` +
        `${credentialsResourceArn(principal, region)} because no identity-based policy allows the ${CREDENTIALS_ACTION} action`,
    );
  }
  if (!environment) throw denied(`No FinSpace environment '${environmentId}' exists in this account.`);
  const registered = environment.usersWithPrincipal(principal.roleArn);
  if (registered.length === 0) {
    throw denied(`No FinSpace user in environment '${environmentId}' has API access registered for principal '${principal.roleArn}'.`);
  }
  // With duplicates allowed, any registered user that qualifies will do; the first explains a refusal.
  const candidates = uniqueApiAccessPrincipals ? registered.slice(0, 1) : registered;
  const usable = candidates.find((user) => user.status === 'ENABLED' && user.apiAccess === 'ENABLED');
  if (usable) return usable;
  const [user] = candidates;
  const refusal = user.status !== 'ENABLED' ? `is ${user.status}, not ENABLED` : 'does not have API access enabled';
  throw denied(`The FinSpace user '${user.userId}' registered for principal '${principal.roleArn}' ${refusal}.`);
}

function credentialsResourceArn(principal: IamPrincipal, region: string): string {
  const [, partition = 'aws', , , account = ''] = principal.roleArn.split(':');
  return `arn:${partition}:finspace-api:${region}:${account}:/credentials/programmatic`;
}

export interface ActingUser {
  readonly credentials: VendedCredentials;
  readonly environment: EnvironmentState;
  readonly user: UserRecord;
}

/**
 * Every operation other than GetProgrammaticAccessCredentials acts as the
 * FinSpace user the credentials were vended for, who must still be ENABLED and
 * be a superuser or a settled member of a group with ManageUsersAndGroups.
 */
export function authorizeUserManagement(operation: OperationName, principal: Principal, environment: EnvironmentState | undefined): ActingUser {
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
  return { credentials: principal, environment, user };
}

function managesUsersAndGroups(environment: EnvironmentState, userId: string): boolean {
  return environment.membershipsOf(userId).some(
    ({ group, membership }) => membership.status === 'ADDITION_SUCCESS' && group.applicationPermissions.includes(MANAGE_USERS_AND_GROUPS),
  );
}
