/**
 * One emulated FinSpace environment: its users, permission groups and
 * memberships, in memory.
 *
 * Time-driven changes (a membership finishing its addition or removal, a user
 * leaving CREATING) are not run by timers: each record keeps the clock time at
 * which it settles, and `settle(now)` applies what is due before every read.
 * That keeps tests deterministic with an injected clock.
 */

export type UserType = 'SUPER_USER' | 'APP_USER';
export type UserStatus = 'CREATING' | 'ENABLED' | 'DISABLED';
export type ApiAccess = 'ENABLED' | 'DISABLED';
export type MembershipStatus = 'ADDITION_IN_PROGRESS' | 'ADDITION_SUCCESS' | 'REMOVAL_IN_PROGRESS';

export interface UserRecord {
  readonly userId: string;
  /** Creation order, for stable listing. */
  readonly sequence: number;
  type: UserType;
  status: UserStatus;
  /** When a CREATING user becomes ENABLED; absent for seeded CREATING users, who stay so. */
  creatingUntil?: number;
  firstName?: string;
  lastName?: string;
  readonly emailAddress: string;
  apiAccess: ApiAccess;
  apiAccessPrincipalArn?: string;
  readonly createTime: number;
  lastModifiedTime: number;
  lastEnabledTime?: number;
  lastDisabledTime?: number;
  lastLoginTime?: number;
}

export interface MembershipRecord {
  readonly userId: string;
  /** Association order, for stable listing. */
  readonly sequence: number;
  status: MembershipStatus;
  /** When an *_IN_PROGRESS status ends. */
  settlesAt?: number;
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

/** What adding a user takes; the rest is set on the way in. */
export type NewUser = Omit<UserRecord, 'sequence' | 'apiAccess' | 'createTime' | 'lastModifiedTime'> & { readonly apiAccess?: ApiAccess };

/** What adding a group takes. */
export type NewGroup = Pick<PermissionGroupRecord, 'permissionGroupId' | 'name' | 'description' | 'applicationPermissions'>;

/** Environments by id. */
export type Environments = Map<string, EnvironmentState>;

export class EnvironmentState {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, PermissionGroupRecord>();
  private lastSequence = 0;
  private readonly creatingUsers = new Set<UserRecord>();
  private readonly changingMemberships = new Map<MembershipRecord, PermissionGroupRecord>();

  constructor(readonly environmentId: string) {}

  nextSequence(): number {
    this.lastSequence += 1;
    return this.lastSequence;
  }

  /** Applies every time-driven change due at `now`. */
  settle(now: number): void {
    for (const user of this.creatingUsers) {
      if (user.status !== 'CREATING' || user.creatingUntil === undefined) {
        this.creatingUsers.delete(user);
      } else if (now >= user.creatingUntil) {
        user.status = 'ENABLED';
        user.lastEnabledTime = user.creatingUntil;
        delete user.creatingUntil;
        this.creatingUsers.delete(user);
      }
    }
    for (const [membership, group] of this.changingMemberships) {
      if (membership.settlesAt === undefined || now < membership.settlesAt) continue;
      this.changingMemberships.delete(membership);
      if (membership.status === 'ADDITION_IN_PROGRESS') {
        membership.status = 'ADDITION_SUCCESS';
        delete membership.settlesAt;
      } else if (membership.status === 'REMOVAL_IN_PROGRESS' && group.members.get(membership.userId) === membership) {
        group.members.delete(membership.userId);
      }
    }
  }

  /** Adds a user created (or seeded) at `now`, with the defaults CreateUser gives. */
  addUser(fields: NewUser, now: number): UserRecord {
    const user: UserRecord = {
      ...fields,
      sequence: this.nextSequence(),
      apiAccess: fields.apiAccess ?? 'DISABLED',
      createTime: now,
      lastModifiedTime: now,
      lastEnabledTime: fields.status === 'ENABLED' ? now : undefined,
      lastDisabledTime: fields.status === 'DISABLED' ? now : undefined,
    };
    this.users.set(user.userId, user);
    if (user.status === 'CREATING' && user.creatingUntil !== undefined) this.creatingUsers.add(user);
    return user;
  }

  /** Adds a group created (or seeded) at `now`; its permissions are a set. */
  addGroup(fields: NewGroup, now: number): PermissionGroupRecord {
    const group: PermissionGroupRecord = {
      ...fields,
      sequence: this.nextSequence(),
      applicationPermissions: [...new Set(fields.applicationPermissions)],
      createTime: now,
      lastModifiedTime: now,
      members: new Map(),
    };
    this.groups.set(group.permissionGroupId, group);
    return group;
  }

  deleteGroup(group: PermissionGroupRecord): void {
    for (const membership of group.members.values()) this.changingMemberships.delete(membership);
    this.groups.delete(group.permissionGroupId);
  }

  /** Starts (or, with delay 0, completes) an addition; replaces any previous membership record. */
  addMember(group: PermissionGroupRecord, userId: string, now: number, delayMs: number): MembershipRecord {
    const previous = group.members.get(userId);
    if (previous) this.changingMemberships.delete(previous);
    const membership: MembershipRecord = {
      userId,
      sequence: this.nextSequence(),
      status: 'ADDITION_IN_PROGRESS',
      settlesAt: now + delayMs,
    };
    group.members.set(userId, membership);
    this.changingMemberships.set(membership, group);
    this.settle(now);
    return membership;
  }

  /** Starts (or, with delay 0, completes) a removal. */
  removeMember(group: PermissionGroupRecord, membership: MembershipRecord, now: number, delayMs: number): void {
    membership.status = 'REMOVAL_IN_PROGRESS';
    membership.settlesAt = now + delayMs;
    this.changingMemberships.set(membership, group);
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
