/**
 * CreatePermissionGroup, UpdatePermissionGroup, DeletePermissionGroup,
 * GetPermissionGroup and ListPermissionGroups. `PermissionGroup`'s
 * membershipStatus only has a meaning relative to a user, so it is left out.
 */
import { EnvironmentState, NewGroup, PermissionGroupRecord } from '../environment';
import { modeledError } from '../errors';
import { newResourceId } from '../ids';
import { viewAs } from '../model';
import { PageRequest } from '../pagination';
import { OperationHandler, applyUpdate, requireGroup } from './context';

export const createPermissionGroup: OperationHandler<Omit<NewGroup, 'permissionGroupId'>> = ({ environment, behaviour, now }, input) => {
  if (behaviour.uniqueGroupNames) assertNameFree(environment, input.name);
  if (behaviour.maxPermissionGroups !== null && environment.groups.size >= behaviour.maxPermissionGroups) {
    throw modeledError('LimitExceededException', `The environment already has the maximum of ${behaviour.maxPermissionGroups} permission groups.`);
  }
  const group = environment.addGroup({ ...input, permissionGroupId: newResourceId() }, now);
  return { permissionGroupId: group.permissionGroupId };
};

interface PermissionGroupIdInput {
  readonly permissionGroupId: string;
}

/** Members left out stay as they are. */
export const updatePermissionGroup: OperationHandler<PermissionGroupIdInput & Partial<PermissionGroupRecord>> = (context, input) => {
  const { environment, behaviour, now } = context;
  const group = requireGroup(environment, input.permissionGroupId);
  if (input.name !== undefined && input.name !== group.name && behaviour.uniqueGroupNames) assertNameFree(environment, input.name);
  const applicationPermissions = input.applicationPermissions && [...new Set(input.applicationPermissions)];
  applyUpdate(group, { ...input, applicationPermissions }, ['name', 'description', 'applicationPermissions'], now);
  return { permissionGroupId: group.permissionGroupId };
};

export const deletePermissionGroup: OperationHandler<PermissionGroupIdInput> = ({ environment, behaviour }, input) => {
  const group = requireGroup(environment, input.permissionGroupId);
  // Members still being removed count: the removal has not finished.
  if (group.members.size > 0 && behaviour.deleteGroupWithMembers === 'conflict') {
    throw modeledError(
      'ConflictException',
      `Permission group '${group.permissionGroupId}' still has ${group.members.size} member(s); remove them first.`,
      'PERMISSION_GROUP_HAS_MEMBERS',
    );
  }
  environment.deleteGroup(group);
  return { permissionGroupId: group.permissionGroupId };
};

export const getPermissionGroup: OperationHandler<PermissionGroupIdInput> = ({ environment }, input) => ({
  permissionGroup: viewAs('PermissionGroup', requireGroup(environment, input.permissionGroupId)),
});

export const listPermissionGroups: OperationHandler<PageRequest> = ({ environment, pages }, input) => {
  const scope = { operation: 'ListPermissionGroups', environmentId: environment.environmentId };
  const page = pages.page([...environment.groups.values()], (group) => group.sequence, input, scope);
  return { permissionGroups: page.items.map((group) => viewAs('PermissionGroup', group)), nextToken: page.nextToken };
};

/** Group names are sensitive in the model, so the message does not repeat the name. */
function assertNameFree(environment: EnvironmentState, name: string): void {
  const holder = [...environment.groups.values()].find((group) => group.name === name);
  if (holder) {
    throw modeledError('ConflictException', `Permission group '${holder.permissionGroupId}' already has this name.`, 'PERMISSION_GROUP_NAME_EXISTS');
  }
}
