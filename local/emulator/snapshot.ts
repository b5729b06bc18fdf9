/**
 * The snapshot: the environments as plain JSON, for tests and the admin route.
 * Users and groups appear as the model's `User` and `PermissionGroup` shapes
 * show them, groups with their members in association order.
 */
import { EnvironmentState, MembershipStatus, PermissionGroupRecord, UserRecord } from './environment';
import { viewAs } from './model';

export interface EmulatorSnapshot {
  readonly environments: readonly SnapshotEnvironment[];
}

export interface SnapshotEnvironment {
  readonly environmentId: string;
  readonly users: readonly SnapshotUser[];
  readonly permissionGroups: readonly SnapshotPermissionGroup[];
}

export type SnapshotUser = Readonly<Omit<UserRecord, 'sequence' | 'creatingUntil' | 'lastLoginTime'>>;

export type SnapshotPermissionGroup = Readonly<Omit<PermissionGroupRecord, 'sequence' | 'members' | 'applicationPermissions'>> & {
  readonly applicationPermissions: readonly string[];
  /** In association order. */
  readonly members: readonly { readonly userId: string; readonly membershipStatus: MembershipStatus }[];
};

/** Settles every environment first, so the snapshot shows the states at `now`. */
export function snapshotOf(environments: Iterable<EnvironmentState>, now: number): EmulatorSnapshot {
  const snapshot = { environments: [] as SnapshotEnvironment[] };
  for (const environment of environments) {
    environment.settle(now);
    snapshot.environments.push({
      environmentId: environment.environmentId,
      users: [...environment.users.values()].map((user) => viewAs('User', user) as unknown as SnapshotUser),
      permissionGroups: [...environment.groups.values()].map((group) => ({
        ...(viewAs('PermissionGroup', group) as unknown as SnapshotPermissionGroup),
        members: [...group.members.values()]
          .sort((a, b) => a.sequence - b.sequence)
          .map((membership) => ({ userId: membership.userId, membershipStatus: membership.status })),
      })),
    });
  }
  return snapshot;
}
