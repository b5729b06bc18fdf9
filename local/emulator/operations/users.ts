/**
 * CreateUser, GetUser, UpdateUser, ListUsers, EnableUser and DisableUser.
 * There is no DeleteUser in the API; the e-mail address is set once and unique.
 */
import { EmulatorBehaviour } from '../behaviour';
import { Reason, modeledError } from '../errors';
import { newResourceId } from '../ids';
import { ApiAccess, EnvironmentState, UserRecord, UserType } from '../state';
import { ListInput, OperationHandler } from './context';
import { requireUser } from './lookups';
import { userView } from './views';

interface CreateUserInput {
  readonly emailAddress: string;
  readonly type: UserType;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly apiAccess?: ApiAccess;
  readonly apiAccessPrincipalArn?: string;
}

export const createUser: OperationHandler<CreateUserInput> = (context, input) => {
  const { environment, behaviour, now } = context;
  if (environment.findUserByEmail(input.emailAddress)) {
    // E-mail addresses are sensitive in the model: the message does not repeat it.
    throw modeledError('ConflictException', 'A user with this email address already exists.', Reason.EMAIL_ADDRESS_EXISTS);
  }
  if (input.apiAccessPrincipalArn !== undefined) assertPrincipalFree(environment, behaviour, input.apiAccessPrincipalArn);
  assertSeatAvailable(environment, behaviour);
  const creating = behaviour.userCreationDelayMs > 0;
  const user: UserRecord = {
    userId: newResourceId(),
    sequence: environment.nextSequence(),
    type: input.type,
    status: creating ? 'CREATING' : 'ENABLED',
    creatingUntil: creating ? now + behaviour.userCreationDelayMs : undefined,
    firstName: input.firstName,
    lastName: input.lastName,
    emailAddress: input.emailAddress,
    apiAccess: input.apiAccess ?? 'DISABLED',
    apiAccessPrincipalArn: input.apiAccessPrincipalArn,
    createTime: now,
    lastModifiedTime: now,
    lastEnabledTime: creating ? undefined : now,
  };
  environment.addUser(user);
  return { userId: user.userId };
};

interface UserIdInput {
  readonly userId: string;
}

export const getUser: OperationHandler<UserIdInput> = (context, input) => userView(requireUser(context.environment, input.userId));

interface UpdateUserInput extends UserIdInput {
  readonly type?: UserType;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly apiAccess?: ApiAccess;
  readonly apiAccessPrincipalArn?: string;
}

/** Members left out stay as they are. */
export const updateUser: OperationHandler<UpdateUserInput> = (context, input) => {
  const { environment, behaviour, now } = context;
  const user = requireUser(environment, input.userId);
  if (input.apiAccessPrincipalArn !== undefined && input.apiAccessPrincipalArn !== user.apiAccessPrincipalArn) {
    assertPrincipalFree(environment, behaviour, input.apiAccessPrincipalArn);
  }
  if (input.type !== undefined) user.type = input.type;
  if (input.firstName !== undefined) user.firstName = input.firstName;
  if (input.lastName !== undefined) user.lastName = input.lastName;
  if (input.apiAccess !== undefined) user.apiAccess = input.apiAccess;
  if (input.apiAccessPrincipalArn !== undefined) user.apiAccessPrincipalArn = input.apiAccessPrincipalArn;
  const changed = [input.type, input.firstName, input.lastName, input.apiAccess, input.apiAccessPrincipalArn].some(
    (value) => value !== undefined,
  );
  if (changed) user.lastModifiedTime = now;
  return { userId: user.userId };
};

export const listUsers: OperationHandler<ListInput> = (context, input) => {
  const { environment, pages } = context;
  const page = pages.page([...environment.users.values()], (user) => user.sequence, input.maxResults, input.nextToken, {
    operation: 'ListUsers',
    environmentId: environment.environmentId,
  });
  return { users: page.items.map(userView), nextToken: page.nextToken };
};

/** Enabling an ENABLED user changes nothing and succeeds. */
export const enableUser: OperationHandler<UserIdInput> = (context, input) => {
  const { environment, behaviour, now } = context;
  const user = requireUser(environment, input.userId);
  assertNotCreating(user);
  if (user.status === 'DISABLED') {
    assertSeatAvailable(environment, behaviour);
    user.status = 'ENABLED';
    user.lastEnabledTime = now;
    user.lastModifiedTime = now;
  }
  return { userId: user.userId };
};

/** Disabling a DISABLED user changes nothing and succeeds. */
export const disableUser: OperationHandler<UserIdInput> = (context, input) => {
  const { environment, now } = context;
  const user = requireUser(environment, input.userId);
  assertNotCreating(user);
  if (user.status === 'ENABLED') {
    user.status = 'DISABLED';
    user.lastDisabledTime = now;
    user.lastModifiedTime = now;
  }
  return { userId: user.userId };
};

function assertNotCreating(user: UserRecord): void {
  if (user.status === 'CREATING') {
    throw modeledError('ConflictException', `User '${user.userId}' is still being created.`, Reason.USER_CREATING);
  }
}

/** The credentials call finds its user by role ARN, so the ARN names one user at most. */
function assertPrincipalFree(environment: EnvironmentState, behaviour: EmulatorBehaviour, principalArn: string): void {
  if (!behaviour.uniqueApiAccessPrincipals) return;
  const holder = environment.usersWithPrincipal(principalArn)[0];
  if (holder) {
    throw modeledError(
      'ConflictException',
      `User '${holder.userId}' already has API access registered for this principal.`,
      Reason.API_ACCESS_PRINCIPAL_IN_USE,
    );
  }
}

/** CreateUser and EnableUser both declare LimitExceededException: a cap on users who are not disabled. */
function assertSeatAvailable(environment: EnvironmentState, behaviour: EmulatorBehaviour): void {
  if (behaviour.maxActiveUsers === null) return;
  const active = [...environment.users.values()].filter((user) => user.status !== 'DISABLED').length;
  if (active >= behaviour.maxActiveUsers) {
    throw modeledError(
      'LimitExceededException',
      `The environment already has the maximum of ${behaviour.maxActiveUsers} users who are not disabled.`,
    );
  }
}
