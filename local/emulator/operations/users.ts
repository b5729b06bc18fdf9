/**
 * CreateUser, GetUser, UpdateUser, ListUsers, EnableUser and DisableUser.
 * There is no DeleteUser in the API; the e-mail address is set once and unique.
 */
import { EmulatorBehaviour } from '../behaviour';
import { EnvironmentState, NewUser, UserRecord } from '../environment';
import { modeledError } from '../errors';
import { newResourceId } from '../ids';
import { viewAs } from '../model';
import { PageRequest } from '../pagination';
import { OperationHandler, applyUpdate, requireUser } from './context';

type CreateUserInput = Pick<NewUser, 'emailAddress' | 'type' | 'firstName' | 'lastName' | 'apiAccess' | 'apiAccessPrincipalArn'>;

export const createUser: OperationHandler<CreateUserInput> = ({ environment, behaviour, now }, input) => {
  if (environment.findUserByEmail(input.emailAddress)) {
    // E-mail addresses are sensitive in the model: the message does not repeat it.
    throw modeledError('ConflictException', 'A user with this email address already exists.', 'EMAIL_ADDRESS_EXISTS');
  }
  if (input.apiAccessPrincipalArn !== undefined) assertPrincipalFree(environment, behaviour, input.apiAccessPrincipalArn);
  assertSeatAvailable(environment, behaviour);
  const creating = behaviour.userCreationDelayMs > 0;
  const user = environment.addUser(
    {
      ...input,
      userId: newResourceId(),
      status: creating ? 'CREATING' : 'ENABLED',
      creatingUntil: creating ? now + behaviour.userCreationDelayMs : undefined,
    },
    now,
  );
  return { userId: user.userId };
};

interface UserIdInput {
  readonly userId: string;
}

export const getUser: OperationHandler<UserIdInput> = ({ environment }, input) => viewAs('GetUserResponse', requireUser(environment, input.userId));

/** Members left out stay as they are. */
export const updateUser: OperationHandler<UserIdInput & Partial<UserRecord>> = ({ environment, behaviour, now }, input) => {
  const user = requireUser(environment, input.userId);
  if (input.apiAccessPrincipalArn !== undefined && input.apiAccessPrincipalArn !== user.apiAccessPrincipalArn) {
    assertPrincipalFree(environment, behaviour, input.apiAccessPrincipalArn);
  }
  applyUpdate(user, input, ['type', 'firstName', 'lastName', 'apiAccess', 'apiAccessPrincipalArn'], now);
  return { userId: user.userId };
};

export const listUsers: OperationHandler<PageRequest> = ({ environment, pages }, input) => {
  const page = pages.page([...environment.users.values()], (user) => user.sequence, input, { operation: 'ListUsers', environmentId: environment.environmentId });
  return { users: page.items.map((user) => viewAs('User', user)), nextToken: page.nextToken };
};

/** Enabling an ENABLED user changes nothing and succeeds. */
export const enableUser: OperationHandler<UserIdInput> = ({ environment, behaviour, now }, input) => {
  const user = requireUser(environment, input.userId);
  assertNotCreating(user);
  if (user.status === 'DISABLED') {
    assertSeatAvailable(environment, behaviour);
    Object.assign(user, { status: 'ENABLED', lastEnabledTime: now, lastModifiedTime: now });
  }
  return { userId: user.userId };
};

/** Disabling a DISABLED user changes nothing and succeeds. */
export const disableUser: OperationHandler<UserIdInput> = ({ environment, now }, input) => {
  const user = requireUser(environment, input.userId);
  assertNotCreating(user);
  if (user.status === 'ENABLED') Object.assign(user, { status: 'DISABLED', lastDisabledTime: now, lastModifiedTime: now });
  return { userId: user.userId };
};

function assertNotCreating(user: UserRecord): void {
  if (user.status === 'CREATING') throw modeledError('ConflictException', `User '${user.userId}' is still being created.`, 'USER_CREATING');
}

/** The credentials call finds its user by role ARN, so the ARN names one user at most. */
function assertPrincipalFree(environment: EnvironmentState, behaviour: EmulatorBehaviour, principalArn: string): void {
  const holder = behaviour.uniqueApiAccessPrincipals ? environment.usersWithPrincipal(principalArn)[0] : undefined;
  if (holder) {
    throw modeledError('ConflictException', `User '${holder.userId}' already has API access registered for this principal.`, 'API_ACCESS_PRINCIPAL_IN_USE');
  }
}

/** CreateUser and EnableUser both declare LimitExceededException: a cap on users who are not disabled. */
function assertSeatAvailable(environment: EnvironmentState, { maxActiveUsers }: EmulatorBehaviour): void {
  if (maxActiveUsers !== null && [...environment.users.values()].filter((user) => user.status !== 'DISABLED').length >= maxActiveUsers) {
    throw modeledError('LimitExceededException', `The environment already has the maximum of ${maxActiveUsers} users who are not disabled.`);
  }
}
