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
import { Reason, modeledError } from '../errors';
import { UserRecord } from '../state';
import { ListInput, OperationHandler } from './context';
import { requireGroup, requireUser } from './lookups';
import { groupOfUserView, memberView } from './views';

interface MembershipInput {
  readonly permissionGroupId: string;
  readonly userId: string;
}

/** Answer of both membership operations: only an HTTP status. */
const ACCEPTED = { statusCode: 200 };

export const associateUserToPermissionGroup: OperationHandler<MembershipInput> = (context, input) => {
  const { environment, behaviour, now } = context;
  const group = requireGroup(environment, input.permissionGroupId);
  const user = requireUser(environment, input.userId);
  assertMayJoin(user, behaviour);
  const existing = group.members.get(user.userId);
  if (existing?.status === 'REMOVAL_IN_PROGRESS') {
    if (behaviour.associateDuringRemoval === 'conflict') {
      throw modeledError(
        'ConflictException',
        `User '${user.userId}' is being removed from permission group '${group.permissionGroupId}'; retry when the removal has finished.`,
        Reason.MEMBERSHIP_REMOVAL_IN_PROGRESS,
      );
    }
  } else if (existing) {
    if (behaviour.associateExistingMember === 'conflict') {
      throw modeledError(
        'ConflictException',
        `User '${user.userId}' is already a member of permission group '${group.permissionGroupId}'.`,
        Reason.USER_ALREADY_IN_GROUP,
      );
    }
    return ACCEPTED;
  }
  environment.addMember(group, user.userId, now, behaviour.additionDelayMs);
  return ACCEPTED;
};

function assertMayJoin(user: UserRecord, behaviour: EmulatorBehaviour): void {
  if (user.status === 'DISABLED') {
    refuse(behaviour.associateDisabledUser, `User '${user.userId}' is DISABLED.`, Reason.USER_DISABLED);
  }
  if (user.status === 'CREATING') {
    refuse(behaviour.associateCreatingUser, `User '${user.userId}' is still being created.`, Reason.USER_CREATING);
  }
  if (user.type === 'SUPER_USER' && behaviour.associateSuperUser === 'validation') {
    throw modeledError(
      'ValidationException',
      `User '${user.userId}' is a superuser, who has every permission and cannot be added to a permission group.`,
      Reason.SUPER_USER_NOT_ALLOWED,
    );
  }
}

function refuse(variant: 'allowed' | 'validation' | 'conflict', message: string, reason: string): void {
  if (variant === 'validation') throw modeledError('ValidationException', message, reason);
  if (variant === 'conflict') throw modeledError('ConflictException', message, reason);
}

export const disassociateUserFromPermissionGroup: OperationHandler<MembershipInput> = (context, input) => {
  const { environment, behaviour, now } = context;
  const group = requireGroup(environment, input.permissionGroupId);
  const user = requireUser(environment, input.userId);
  const membership = group.members.get(user.userId);
  if (!membership) {
    const message = `User '${user.userId}' is not a member of permission group '${group.permissionGroupId}'.`;
    switch (behaviour.disassociateNonMember) {
      case 'not-found':
        throw modeledError('ResourceNotFoundException', message, Reason.USER_NOT_IN_GROUP);
      case 'conflict':
        throw modeledError('ConflictException', message, Reason.USER_NOT_IN_GROUP);
      case 'success':
        return ACCEPTED;
    }
  }
  if (membership.status === 'REMOVAL_IN_PROGRESS') {
    if (behaviour.disassociateDuringRemoval === 'conflict') {
      throw modeledError(
        'ConflictException',
        `User '${user.userId}' is already being removed from permission group '${group.permissionGroupId}'.`,
        Reason.MEMBERSHIP_REMOVAL_IN_PROGRESS,
      );
    }
    return ACCEPTED;
  }
  environment.removeMember(group, membership, now, behaviour.removalDelayMs);
  return ACCEPTED;
};

interface ListUsersByPermissionGroupInput extends ListInput {
  readonly permissionGroupId: string;
}

export const listUsersByPermissionGroup: OperationHandler<ListUsersByPermissionGroupInput> = (context, input) => {
  const { environment, pages } = context;
  const group = requireGroup(environment, input.permissionGroupId);
  const memberships = [...group.members.values()].sort((a, b) => a.sequence - b.sequence);
  const page = pages.page(memberships, (membership) => membership.sequence, input.maxResults, input.nextToken, {
    operation: 'ListUsersByPermissionGroup',
    environmentId: environment.environmentId,
    subject: group.permissionGroupId,
  });
  return {
    users: page.items.map((membership) => memberView(requireUser(environment, membership.userId), membership)),
    nextToken: page.nextToken,
  };
};

interface ListPermissionGroupsByUserInput extends ListInput {
  readonly userId: string;
}

export const listPermissionGroupsByUser: OperationHandler<ListPermissionGroupsByUserInput> = (context, input) => {
  const { environment, pages } = context;
  const user = requireUser(environment, input.userId);
  const memberships = environment.membershipsOf(user.userId).sort((a, b) => a.membership.sequence - b.membership.sequence);
  const page = pages.page(memberships, ({ membership }) => membership.sequence, input.maxResults, input.nextToken, {
    operation: 'ListPermissionGroupsByUser',
    environmentId: environment.environmentId,
    subject: user.userId,
  });
  return {
    permissionGroups: page.items.map(({ group, membership }) => groupOfUserView(group, membership)),
    nextToken: page.nextToken,
  };
};
