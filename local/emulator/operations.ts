/**
 * The 15 operations that act as a FinSpace user (the table's type insists on one
 * handler each). A handler gets the group and user its input names already found,
 * and answers a record the operation's output shape views. Where no source says
 * what the service does, the case follows a behaviour (behaviour.ts).
 */
import { EmulatorBehaviour } from './behaviour';
import { EnvironmentState, NewGroup, NewUser, PermissionGroupRecord, UserRecord } from './environment';
import { Reason, modeledError } from './errors';
import { newResourceId } from './ids';
import { OperationName } from './model';

/** What an operation runs with: one clock reading per request, so a request sees a single instant. */
export interface OperationContext {
  readonly environment: EnvironmentState;
  readonly now: number;
  readonly behaviour: EmulatorBehaviour;
  /** Found where the input names them (the model requires them where the handler reads them). */
  readonly group: PermissionGroupRecord;
  readonly user: UserRecord;
  /** This listing's page of `items` (in sequence order) as `{ [listMember]: items, nextToken }`, as maxResults and nextToken ask. */
  page(listMember: string, items: readonly { sequence: number }[]): object;
}

/** The input has passed the model's validation, which is what its members' types rest on. */
export type OperationHandler = (context: OperationContext, input: Readonly<Record<string, any>>) => object;

type UserOperationName = Exclude<OperationName, 'GetProgrammaticAccessCredentials'>;

/** Answer of both membership operations: only an HTTP status. */
const ACCEPTED = { statusCode: 200 };

export const USER_OPERATIONS: { readonly [Name in UserOperationName]: OperationHandler } = {
  CreatePermissionGroup: ({ environment, behaviour, now }, input) => {
    if (behaviour.uniqueGroupNames) assertNameFree(environment, input.name);
    if (behaviour.maxPermissionGroups !== null && environment.groups.size >= behaviour.maxPermissionGroups) {
      throw modeledError('LimitExceededException', `The environment already has the maximum of ${behaviour.maxPermissionGroups} permission groups.`);
    }
    return environment.addGroup({ ...(input as NewGroup), permissionGroupId: newResourceId() }, now);
  },

  UpdatePermissionGroup: ({ environment, behaviour, now, group }, input) => {
    if (input.name !== undefined && input.name !== group.name && behaviour.uniqueGroupNames) assertNameFree(environment, input.name);
    const applicationPermissions = input.applicationPermissions && [...new Set(input.applicationPermissions)];
    return update(group, { name: input.name, description: input.description, applicationPermissions }, now);
  },

  DeletePermissionGroup: ({ environment, behaviour, group }) => {
    // Members still being removed count: the removal has not finished.
    if (group.members.size > 0 && behaviour.deleteGroupWithMembers === 'conflict') {
      const message = `Permission group '${group.permissionGroupId}' still has ${group.members.size} member(s); remove them first.`;
      throw modeledError('ConflictException', message, 'PERMISSION_GROUP_HAS_MEMBERS');
    }
    environment.deleteGroup(group);
    return group;
  },

  // `PermissionGroup`'s membershipStatus only has a meaning relative to a user, so it is left out.
  GetPermissionGroup: ({ group }) => ({ permissionGroup: group }),

  ListPermissionGroups: ({ environment, page }) => page('permissionGroups', [...environment.groups.values()]),

  AssociateUserToPermissionGroup: ({ environment, behaviour, now, group, user }) => {
    if (user.status === 'DISABLED') refuseAs(behaviour.associateDisabledUser, `User '${user.userId}' is DISABLED.`, 'USER_DISABLED');
    if (user.status === 'CREATING') refuseAs(behaviour.associateCreatingUser, `User '${user.userId}' is still being created.`, 'USER_CREATING');
    if (user.type === 'SUPER_USER') {
      const message = `User '${user.userId}' is a superuser, who has every permission and cannot be added to a permission group.`;
      refuseAs(behaviour.associateSuperUser, message, 'SUPER_USER_NOT_ALLOWED');
    }
    const existing = group.members.get(user.userId);
    if (existing?.status === 'REMOVAL_IN_PROGRESS') {
      const message = `User '${user.userId}' is being removed from permission group '${group.permissionGroupId}'; retry when the removal has finished.`;
      refuseAs(behaviour.associateDuringRemoval, message, 'MEMBERSHIP_REMOVAL_IN_PROGRESS');
    } else if (existing) {
      const message = `User '${user.userId}' is already a member of permission group '${group.permissionGroupId}'.`;
      refuseAs(behaviour.associateExistingMember, message, 'USER_ALREADY_IN_GROUP');
      return ACCEPTED;
    }
    environment.addMember(group, user.userId, now, behaviour.additionDelayMs);
    return ACCEPTED;
  },

  DisassociateUserFromPermissionGroup: ({ environment, behaviour, now, group, user }) => {
    const membership = group.members.get(user.userId);
    if (!membership) {
      const message = `User '${user.userId}' is not a member of permission group '${group.permissionGroupId}'.`;
      if (behaviour.disassociateNonMember === 'not-found') throw modeledError('ResourceNotFoundException', message, 'USER_NOT_IN_GROUP');
      refuseAs(behaviour.disassociateNonMember, message, 'USER_NOT_IN_GROUP');
    } else if (membership.status === 'REMOVAL_IN_PROGRESS') {
      const message = `User '${user.userId}' is already being removed from permission group '${group.permissionGroupId}'.`;
      refuseAs(behaviour.disassociateDuringRemoval, message, 'MEMBERSHIP_REMOVAL_IN_PROGRESS');
    } else {
      environment.removeMember(group, membership, now, behaviour.removalDelayMs);
    }
    return ACCEPTED;
  },

  // Memberships list in association order.
  ListUsersByPermissionGroup: ({ environment, group, page }) => page('users', [...group.members.values()].map(({ userId, status, sequence }) => (
    { ...environment.users.get(userId), membershipStatus: status, sequence }))),

  ListPermissionGroupsByUser: ({ environment, user, page }) => page('permissionGroups', environment.membershipsOf(user.userId).map(
    ({ group, membership: { status, sequence } }) => ({ ...group, membershipStatus: status, sequence }))),

  CreateUser: ({ environment, behaviour, now }, input) => {
    if (environment.findUserByEmail(input.emailAddress)) {
      // E-mail addresses are sensitive in the model: the message does not repeat it.
      throw modeledError('ConflictException', 'A user with this email address already exists.', 'EMAIL_ADDRESS_EXISTS');
    }
    if (input.apiAccessPrincipalArn !== undefined) assertPrincipalFree(environment, behaviour, input.apiAccessPrincipalArn);
    assertSeatAvailable(environment, behaviour);
    const creating = behaviour.userCreationDelayMs > 0;
    const fields: NewUser = { ...(input as NewUser), userId: newResourceId(), status: creating ? 'CREATING' : 'ENABLED' };
    return environment.addUser(fields, now, creating ? now + behaviour.userCreationDelayMs : undefined);
  },

  GetUser: ({ user }) => user,

  UpdateUser: ({ environment, behaviour, now, user }, input) => {
    if (input.apiAccessPrincipalArn !== undefined && input.apiAccessPrincipalArn !== user.apiAccessPrincipalArn) {
      assertPrincipalFree(environment, behaviour, input.apiAccessPrincipalArn);
    }
    const { type, firstName, lastName, apiAccess, apiAccessPrincipalArn } = input;
    return update(user, { type, firstName, lastName, apiAccess, apiAccessPrincipalArn }, now);
  },

  ListUsers: ({ environment, page }) => page('users', [...environment.users.values()]),

  /** Enabling an ENABLED user changes nothing and succeeds. */
  EnableUser: ({ environment, behaviour, now, user }) => {
    assertNotCreating(user);
    if (user.status === 'DISABLED') {
      assertSeatAvailable(environment, behaviour);
      Object.assign(user, { status: 'ENABLED', lastEnabledTime: now, lastModifiedTime: now });
    }
    return user;
  },

  /** Disabling a DISABLED user changes nothing and succeeds. */
  DisableUser: ({ now, user }) => {
    assertNotCreating(user);
    if (user.status === 'ENABLED') Object.assign(user, { status: 'DISABLED', lastDisabledTime: now, lastModifiedTime: now });
    return user;
  },
};

/** Sets the members an Update request gives and leaves the others as they are; `lastModifiedTime` moves only when something was given. */
function update<T extends { lastModifiedTime: number }>(record: T, changes: Partial<T>, now: number): T {
  const given = Object.entries(changes).filter(([, value]) => value !== undefined);
  if (given.length > 0) Object.assign(record, Object.fromEntries(given), { lastModifiedTime: now });
  return record;
}

/** Throws the error a behaviour variant names ('validation' or 'conflict'); other variants let the request through. */
function refuseAs(variant: string, message: string, reason: Reason): void {
  if (variant === 'validation') throw modeledError('ValidationException', message, reason);
  if (variant === 'conflict') throw modeledError('ConflictException', message, reason);
}

/** Group names are sensitive in the model, so the message does not repeat the name. */
function assertNameFree(environment: EnvironmentState, name: string): void {
  const holder = [...environment.groups.values()].find((group) => group.name === name);
  if (holder) {
    throw modeledError('ConflictException', `Permission group '${holder.permissionGroupId}' already has this name.`, 'PERMISSION_GROUP_NAME_EXISTS');
  }
}

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
