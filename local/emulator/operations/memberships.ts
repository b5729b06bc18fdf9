/**
 * AssociateUserToPermissionGroup, DisassociateUserFromPermissionGroup,
 * ListUsersByPermissionGroup and ListPermissionGroupsByUser.
 *
 * Membership changes are asynchronous: an association is ADDITION_IN_PROGRESS
 * for `additionDelayMs`, a removal REMOVAL_IN_PROGRESS for `removalDelayMs`.
 * What happens when a request meets a membership in another state is not
 * documented; each case follows a configurable behaviour.
 */
import { EmulatorBehaviour } from '../behaviour';
import { UserRecord } from '../environment';
import { Reason, modeledError } from '../errors';
import { viewAs } from '../model';
import { PageRequest } from '../pagination';
import { OperationHandler, requireGroup, requireUser } from './context';

interface MembershipInput {
  readonly permissionGroupId: string;
  readonly userId: string;
}

/** Answer of both membership operations: only an HTTP status. */
const ACCEPTED = { statusCode: 200 };

/** Throws the error a behaviour variant names ('validation' or 'conflict'); other variants let the request through. */
function refuseAs(variant: string, message: string, reason: Reason): void {
  if (variant === 'validation') throw modeledError('ValidationException', message, reason);
  if (variant === 'conflict') throw modeledError('ConflictException', message, reason);
}

export const associateUserToPermissionGroup: OperationHandler<MembershipInput> = ({ environment, behaviour, now }, input) => {
  const group = requireGroup(environment, input.permissionGroupId);
  const user = requireUser(environment, input.userId);
  assertMayJoin(user, behaviour);
  const existing = group.members.get(user.userId);
  const between = `User '${user.userId}' is being removed from permission group '${group.permissionGroupId}'; retry when the removal has finished.`;
  if (existing?.status === 'REMOVAL_IN_PROGRESS') {
    refuseAs(behaviour.associateDuringRemoval, between, 'MEMBERSHIP_REMOVAL_IN_PROGRESS');
  } else if (existing) {
    refuseAs(behaviour.associateExistingMember, `User '${user.userId}' is already a member of permission group '${group.permissionGroupId}'.`, 'USER_ALREADY_IN_GROUP');
    return ACCEPTED;
  }
  environment.addMember(group, user.userId, now, behaviour.additionDelayMs);
  return ACCEPTED;
};

function assertMayJoin(user: UserRecord, behaviour: EmulatorBehaviour): void {
  if (user.status === 'DISABLED') refuseAs(behaviour.associateDisabledUser, `User '${user.userId}' is DISABLED.`, 'USER_DISABLED');
  if (user.status === 'CREATING') refuseAs(behaviour.associateCreatingUser, `User '${user.userId}' is still being created.`, 'USER_CREATING');
  if (user.type === 'SUPER_USER') {
    const message = `User '${user.userId}' is a superuser, who has every permission and cannot be added to a permission group.`;
    refuseAs(behaviour.associateSuperUser, message, 'SUPER_USER_NOT_ALLOWED');
  }
}

export const disassociateUserFromPermissionGroup: OperationHandler<MembershipInput> = ({ environment, behaviour, now }, input) => {
  const group = requireGroup(environment, input.permissionGroupId);
  const user = requireUser(environment, input.userId);
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
};

export const listUsersByPermissionGroup: OperationHandler<PageRequest & { readonly permissionGroupId: string }> = ({ environment, pages }, input) => {
  const group = requireGroup(environment, input.permissionGroupId);
  const memberships = [...group.members.values()].sort((a, b) => a.sequence - b.sequence);
  const scope = { operation: 'ListUsersByPermissionGroup', environmentId: environment.environmentId, subject: group.permissionGroupId };
  const page = pages.page(memberships, (membership) => membership.sequence, input, scope);
  return {
    users: page.items.map((membership) =>
      viewAs('UserByPermissionGroup', { ...requireUser(environment, membership.userId), membershipStatus: membership.status })),
    nextToken: page.nextToken,
  };
};

export const listPermissionGroupsByUser: OperationHandler<PageRequest & { readonly userId: string }> = ({ environment, pages }, input) => {
  const user = requireUser(environment, input.userId);
  const memberships = environment.membershipsOf(user.userId).sort((a, b) => a.membership.sequence - b.membership.sequence);
  const scope = { operation: 'ListPermissionGroupsByUser', environmentId: environment.environmentId, subject: user.userId };
  const page = pages.page(memberships, ({ membership }) => membership.sequence, input, scope);
  return {
    permissionGroups: page.items.map(({ group, membership }) => viewAs('PermissionGroupByUser', { ...group, membershipStatus: membership.status })),
    nextToken: page.nextToken,
  };
};
