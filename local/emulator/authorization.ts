/**
 * The service's two authorization layers (FinSpace user guide, temporary credentials):
 * IAM decides who may call GetProgrammaticAccessCredentials, the one operation it
 * governs and the only one that names its environment; FinSpace itself decides what
 * the user behind the credentials it vends may do.
 *
 * Denials say what is missing: the emulator is a test tool, and a precise
 * reason saves a debugging session. Callers must have settled the environment.
 */
import { EmulatorBehaviour } from './behaviour';
import { CredentialStore, Principal } from './credentials';
import { EnvironmentState } from './environment';
import { modeledError } from './errors';
import { OperationName } from './model';

/** The permission that lets an application user manage users and groups. */
const MANAGE_USERS_AND_GROUPS = 'ManageUsersAndGroups';
const CREDENTIALS_ACTION = 'finspace-api:GetProgrammaticAccessCredentials';

/** Every refusal of either layer is an AccessDeniedException; only the message differs. */
const denied = (message: string) => modeledError('AccessDeniedException', message);

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
  const manages = environment.membershipsOf(user.userId).some(
    ({ group, membership }) => membership.status === 'ADDITION_SUCCESS' && group.applicationPermissions.includes(MANAGE_USERS_AND_GROUPS),
  );
  if (user.type !== 'SUPER_USER' && !manages) {
    throw denied(
      `The FinSpace user '${user.userId}' is neither a superuser nor an ADDITION_SUCCESS member of a permission group ` +
        `with ${MANAGE_USERS_AND_GROUPS}, which ${operation} requires.`,
    );
  }
  return environment;
}

export interface CredentialsRequest {
  readonly principal: Principal;
  readonly environment: EnvironmentState | undefined;
  readonly credentials: CredentialStore;
  readonly region: string;
  readonly now: number;
  readonly behaviour: EmulatorBehaviour;
}

/**
 * GetProgrammaticAccessCredentials: the IAM layer first, then the FinSpace user
 * the principal may obtain credentials for, whom the vended keys act as. An
 * unknown environment is an AccessDeniedException too: the operation's error
 * list has no ResourceNotFoundException, and IAM-style APIs do not reveal
 * which resources exist to callers who may not use them.
 */
export function getProgrammaticAccessCredentials(request: CredentialsRequest, input: { environmentId: string; durationInMinutes?: number }): object {
  const { principal, environment, credentials, now, behaviour } = request;
  if (principal.kind !== 'iam') {
    throw denied(
      'Temporary FinSpace credentials are not authorized to call GetProgrammaticAccessCredentials; ' +
        'sign it with the IAM credentials of the role registered on a FinSpace user.',
    );
  }
  if (!principal.allowGetProgrammaticAccessCredentials) {
    const [, partition = 'aws', , , account = ''] = principal.roleArn.split(':');
    const resource = `arn:${partition}:finspace-api:${request.region}:${account}:/credentials/programmatic`;
    throw denied(
      `User: ${principal.roleArn} is not authorized to perform: ${CREDENTIALS_ACTION} on resource: ` +
        `${resource} because no identity-based policy allows the ${CREDENTIALS_ACTION} action`,
    );
  }
  if (!environment) throw denied(`No FinSpace environment '${input.environmentId}' exists in this account.`);
  const registered = environment.usersWithPrincipal(principal.roleArn);
  if (registered.length === 0) {
    throw denied(`No FinSpace user in environment '${input.environmentId}' has API access registered for principal '${principal.roleArn}'.`);
  }
  // With duplicates allowed, any registered user that qualifies will do; the first explains a refusal.
  const candidates = behaviour.uniqueApiAccessPrincipals ? registered.slice(0, 1) : registered;
  const user = candidates.find((candidate) => candidate.status === 'ENABLED' && candidate.apiAccess === 'ENABLED');
  if (!user) {
    const [first] = candidates;
    const refusal = first.status !== 'ENABLED' ? `is ${first.status}, not ENABLED` : 'does not have API access enabled';
    throw denied(`The FinSpace user '${first.userId}' registered for principal '${principal.roleArn}' ${refusal}.`);
  }
  const durationInMinutes = input.durationInMinutes ?? behaviour.defaultCredentialDurationMinutes;
  const { accessKeyId, secretAccessKey, sessionToken } = credentials.vend(input.environmentId, user.userId, now, durationInMinutes * 60_000);
  return { credentials: { accessKeyId, secretAccessKey, sessionToken }, durationInMinutes };
}
