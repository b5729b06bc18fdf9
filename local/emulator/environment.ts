/**
 * One FinSpace environment's users, groups and memberships in memory, and the snapshot.
 * Time-driven changes (an addition or removal finishing, a user leaving CREATING) run on
 * no timer: each is kept with the clock time it is due at, and `settle(now)` applies what
 * is due before every read, which keeps tests deterministic with an injected clock.
 */
import { viewAs } from './model';

export type UserStatus = 'CREATING' | 'ENABLED' | 'DISABLED';
export type MembershipStatus = 'ADDITION_IN_PROGRESS' | 'ADDITION_SUCCESS' | 'REMOVAL_IN_PROGRESS';

export interface UserRecord {
  readonly userId: string;
  /** Creation (for memberships association) order, for stable listing. */
  readonly sequence: number;
  type: 'SUPER_USER' | 'APP_USER';
  status: UserStatus;
  firstName?: string;
  lastName?: string;
  readonly emailAddress: string;
  apiAccess: 'ENABLED' | 'DISABLED';
  apiAccessPrincipalArn?: string;
  readonly createTime: number;
  lastModifiedTime: number;
  lastEnabledTime?: number;
  lastDisabledTime?: number;
  lastLoginTime?: number;
}

export interface MembershipRecord {
  readonly userId: string;
  readonly sequence: number;
  status: MembershipStatus;
}

export interface PermissionGroupRecord {
  readonly permissionGroupId: string;
  readonly sequence: number;
  name: string;
  description?: string;
  applicationPermissions: string[];
  readonly createTime: number;
  lastModifiedTime: number;
  /** By userId. */
  readonly members: Map<string, MembershipRecord>;
}

export type NewUser = Omit<UserRecord, 'sequence' | 'apiAccess' | 'createTime' | 'lastModifiedTime'> & Partial<Pick<UserRecord, 'apiAccess'>>;

export type NewGroup = Pick<PermissionGroupRecord, 'permissionGroupId' | 'name' | 'description' | 'applicationPermissions'>;

export interface EmulatorSnapshot {
  readonly environments: readonly SnapshotEnvironment[];
}

export interface SnapshotEnvironment {
  readonly environmentId: string;
  readonly users: readonly SnapshotUser[];
  readonly permissionGroups: readonly SnapshotPermissionGroup[];
}

export type SnapshotUser = Readonly<Omit<UserRecord, 'sequence' | 'lastLoginTime'>>;

export type SnapshotPermissionGroup = Readonly<Omit<PermissionGroupRecord, 'sequence' | 'members' | 'applicationPermissions'>> & {
  readonly applicationPermissions: readonly string[];
  /** In association order. */
  readonly members: readonly { readonly userId: string; readonly membershipStatus: MembershipStatus }[];
};

export class EnvironmentState {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, PermissionGroupRecord>();
  private lastSequence = 0;
  /** Time-driven changes not yet applied, by the record they change (a newer change replaces an older one). */
  private readonly due = new Map<object, { readonly at: number; readonly apply: () => void }>();

  constructor(readonly environmentId: string) {}

  /** Applies every time-driven change due at `now`. */
  settle(now: number): void {
    for (const [record, { at, apply }] of this.due) {
      if (now < at) continue;
      this.due.delete(record);
      apply();
    }
  }

  /** With CreateUser's defaults. A CREATING user becomes ENABLED at `enabledAt`; without it (seeded) it stays CREATING. */
  addUser(fields: NewUser, now: number, enabledAt?: number): UserRecord {
    const user: UserRecord = {
      ...fields,
      sequence: ++this.lastSequence,
      apiAccess: fields.apiAccess ?? 'DISABLED',
      createTime: now,
      lastModifiedTime: now,
      lastEnabledTime: fields.status === 'ENABLED' ? now : undefined,
      lastDisabledTime: fields.status === 'DISABLED' ? now : undefined,
    };
    this.users.set(user.userId, user);
    if (enabledAt !== undefined) this.due.set(user, { at: enabledAt, apply: () => Object.assign(user, { status: 'ENABLED', lastEnabledTime: enabledAt }) });
    return user;
  }

  /** Adds a group created (or seeded) at `now`; its permissions are a set. */
  addGroup(fields: NewGroup, now: number): PermissionGroupRecord {
    const group: PermissionGroupRecord = {
      ...fields,
      sequence: ++this.lastSequence,
      applicationPermissions: [...new Set(fields.applicationPermissions)],
      createTime: now,
      lastModifiedTime: now,
      members: new Map(),
    };
    this.groups.set(group.permissionGroupId, group);
    return group;
  }

  deleteGroup(group: PermissionGroupRecord): void {
    for (const membership of group.members.values()) this.due.delete(membership);
    this.groups.delete(group.permissionGroupId);
  }

  /** Starts (or, with delay 0, completes) an addition; replaces any previous membership record. */
  addMember(group: PermissionGroupRecord, userId: string, now: number, delayMs: number): void {
    const previous = group.members.get(userId);
    if (previous) this.due.delete(previous);
    const membership: MembershipRecord = { userId, sequence: ++this.lastSequence, status: 'ADDITION_IN_PROGRESS' };
    group.members.set(userId, membership);
    this.due.set(membership, { at: now + delayMs, apply: () => (membership.status = 'ADDITION_SUCCESS') });
    this.settle(now);
  }

  /** Starts (or, with delay 0, completes) a removal. */
  removeMember(group: PermissionGroupRecord, membership: MembershipRecord, now: number, delayMs: number): void {
    membership.status = 'REMOVAL_IN_PROGRESS';
    this.due.set(membership, { at: now + delayMs, apply: () => group.members.delete(membership.userId) });
    this.settle(now);
  }

  findUserByEmail(emailAddress: string): UserRecord | undefined {
    return [...this.users.values()].find((user) => user.emailAddress.toLowerCase() === emailAddress.toLowerCase());
  }

  usersWithPrincipal(principalArn: string): UserRecord[] {
    return [...this.users.values()].filter((user) => user.apiAccessPrincipalArn === principalArn);
  }

  /** Groups a user is in (any membership status), in group creation order. */
  membershipsOf(userId: string): { group: PermissionGroupRecord; membership: MembershipRecord }[] {
    return [...this.groups.values()].flatMap((group) => {
      const membership = group.members.get(userId);
      return membership ? [{ group, membership }] : [];
    });
  }
}

/** Plain JSON, settled at `now`: users and groups as the model's shapes show them, members in association order. */
export function snapshotOf(environments: Iterable<EnvironmentState>, now: number): EmulatorSnapshot {
  return {
    environments: [...environments].map((environment) => {
      environment.settle(now);
      return {
        environmentId: environment.environmentId,
        users: [...environment.users.values()].map((user) => viewAs<SnapshotUser>('User', user)),
        permissionGroups: [...environment.groups.values()].map((group) => ({
          ...viewAs<SnapshotPermissionGroup>('PermissionGroup', group),
          members: [...group.members.values()]
            .sort((a, b) => a.sequence - b.sequence)
            .map((membership) => ({ userId: membership.userId, membershipStatus: membership.status })),
        })),
      };
    }),
  };
}
