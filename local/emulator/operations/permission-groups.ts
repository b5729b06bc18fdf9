/**
 * CreatePermissionGroup, UpdatePermissionGroup, DeletePermissionGroup,
 * GetPermissionGroup and ListPermissionGroups.
 */
import { Reason, modeledError } from '../errors';
import { newResourceId } from '../ids';
import { EnvironmentState, PermissionGroupRecord } from '../state';
import { ListInput, OperationHandler } from './context';
import { requireGroup } from './lookups';
import { groupView } from './views';

interface CreatePermissionGroupInput {
  readonly name: string;
  readonly description?: string;
  readonly applicationPermissions: string[];
}

export const createPermissionGroup: OperationHandler<CreatePermissionGroupInput> = (context, input) => {
  const { environment, behaviour, now } = context;
  if (behaviour.uniqueGroupNames) assertNameFree(environment, input.name);
  if (behaviour.maxPermissionGroups !== null && environment.groups.size >= behaviour.maxPermissionGroups) {
    throw modeledError(
      'LimitExceededException',
      `The environment already has the maximum of ${behaviour.maxPermissionGroups} permission groups.`,
    );
  }
  const group: PermissionGroupRecord = {
    permissionGroupId: newResourceId(),
    sequence: environment.nextSequence(),
    name: input.name,
    description: input.description,
    applicationPermissions: distinct(input.applicationPermissions),
    createTime: now,
    lastModifiedTime: now,
    members: new Map(),
  };
  environment.addGroup(group);
  return { permissionGroupId: group.permissionGroupId };
};

interface UpdatePermissionGroupInput {
  readonly permissionGroupId: string;
  readonly name?: string;
  readonly description?: string;
  readonly applicationPermissions?: string[];
}

/** Members left out stay as they are. */
export const updatePermissionGroup: OperationHandler<UpdatePermissionGroupInput> = (context, input) => {
  const { environment, behaviour, now } = context;
  const group = requireGroup(environment, input.permissionGroupId);
  if (input.name !== undefined && input.name !== group.name && behaviour.uniqueGroupNames) {
    assertNameFree(environment, input.name);
  }
  let changed = false;
  if (input.name !== undefined) {
    group.name = input.name;
    changed = true;
  }
  if (input.description !== undefined) {
    group.description = input.description;
    changed = true;
  }
  if (input.applicationPermissions !== undefined) {
    group.applicationPermissions = distinct(input.applicationPermissions);
    changed = true;
  }
  if (changed) group.lastModifiedTime = now;
  return { permissionGroupId: group.permissionGroupId };
};

interface DeletePermissionGroupInput {
  readonly permissionGroupId: string;
}

export const deletePermissionGroup: OperationHandler<DeletePermissionGroupInput> = (context, input) => {
  const { environment, behaviour } = context;
  const group = requireGroup(environment, input.permissionGroupId);
  // Members still being removed count: the removal has not finished.
  if (group.members.size > 0 && behaviour.deleteGroupWithMembers === 'conflict') {
    throw modeledError(
      'ConflictException',
      `Permission group '${group.permissionGroupId}' still has ${group.members.size} member(s); remove them first.`,
      Reason.PERMISSION_GROUP_HAS_MEMBERS,
    );
  }
  environment.deleteGroup(group);
  return { permissionGroupId: group.permissionGroupId };
};

interface GetPermissionGroupInput {
  readonly permissionGroupId: string;
}

export const getPermissionGroup: OperationHandler<GetPermissionGroupInput> = (context, input) => ({
  permissionGroup: groupView(requireGroup(context.environment, input.permissionGroupId)),
});

export const listPermissionGroups: OperationHandler<ListInput> = (context, input) => {
  const { environment, pages } = context;
  const page = pages.page([...environment.groups.values()], (group) => group.sequence, input.maxResults, input.nextToken, {
    operation: 'ListPermissionGroups',
    environmentId: environment.environmentId,
  });
  return { permissionGroups: page.items.map(groupView), nextToken: page.nextToken };
};

/** Group names are sensitive in the model, so the message does not repeat the name. */
function assertNameFree(environment: EnvironmentState, name: string): void {
  for (const group of environment.groups.values()) {
    if (group.name === name) {
      throw modeledError(
        'ConflictException',
        `Permission group '${group.permissionGroupId}' already has this name.`,
        Reason.PERMISSION_GROUP_NAME_EXISTS,
      );
    }
  }
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
