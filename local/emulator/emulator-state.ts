/**
 * Everything the emulator remembers: environments and signing keys, how a seed
 * goes in and how a snapshot comes out.
 */
import { CredentialStore } from './credentials';
import { EmulatorSeed, ExistingState, validateSeed } from './seed';
import { EnvironmentState, MembershipStatus, PermissionGroupRecord, UserRecord } from './state';

export interface EmulatorSnapshot {
  readonly environments: readonly SnapshotEnvironment[];
}

export interface SnapshotEnvironment {
  readonly environmentId: string;
  readonly users: readonly SnapshotUser[];
  readonly permissionGroups: readonly SnapshotPermissionGroup[];
}

export interface SnapshotUser {
  readonly userId: string;
  readonly type: UserRecord['type'];
  readonly status: UserRecord['status'];
  readonly firstName?: string;
  readonly lastName?: string;
  readonly emailAddress: string;
  readonly apiAccess: UserRecord['apiAccess'];
  readonly apiAccessPrincipalArn?: string;
  readonly createTime: number;
  readonly lastModifiedTime: number;
  readonly lastEnabledTime?: number;
  readonly lastDisabledTime?: number;
}

export interface SnapshotPermissionGroup {
  readonly permissionGroupId: string;
  readonly name: string;
  readonly description?: string;
  readonly applicationPermissions: readonly string[];
  readonly createTime: number;
  readonly lastModifiedTime: number;
  /** In association order. */
  readonly members: readonly { readonly userId: string; readonly membershipStatus: MembershipStatus }[];
}

export class EmulatorState {
  readonly environments = new Map<string, EnvironmentState>();
  readonly credentials = new CredentialStore();

  settle(now: number): void {
    for (const environment of this.environments.values()) environment.settle(now);
  }

  /**
   * Adds a seed after checking all of it, so a bad seed changes nothing.
   * Environments already present are added to, not replaced.
   */
  seed(value: unknown, now: number, source = 'seed'): void {
    const seed: EmulatorSeed = validateSeed(value, source, this.existing());
    for (const principal of seed.iamPrincipals ?? []) {
      this.credentials.addIamPrincipal({
        accessKeyId: principal.accessKeyId,
        secretAccessKey: principal.secretAccessKey,
        sessionToken: principal.sessionToken,
        roleArn: principal.roleArn,
        allowGetProgrammaticAccessCredentials: principal.allowGetProgrammaticAccessCredentials ?? true,
      });
    }
    for (const seeded of seed.environments ?? []) {
      let environment = this.environments.get(seeded.environmentId);
      if (!environment) {
        environment = new EnvironmentState(seeded.environmentId);
        this.environments.set(seeded.environmentId, environment);
      }
      for (const user of seeded.users ?? []) {
        const status = user.status ?? 'ENABLED';
        environment.addUser({
          userId: user.userId,
          sequence: environment.nextSequence(),
          type: user.type,
          status,
          firstName: user.firstName,
          lastName: user.lastName,
          emailAddress: user.emailAddress,
          apiAccess: user.apiAccess ?? 'DISABLED',
          apiAccessPrincipalArn: user.apiAccessPrincipalArn,
          createTime: now,
          lastModifiedTime: now,
          lastEnabledTime: status === 'ENABLED' ? now : undefined,
          lastDisabledTime: status === 'DISABLED' ? now : undefined,
        });
      }
      for (const seededGroup of seeded.permissionGroups ?? []) {
        const group: PermissionGroupRecord = {
          permissionGroupId: seededGroup.permissionGroupId,
          sequence: environment.nextSequence(),
          name: seededGroup.name,
          description: seededGroup.description,
          applicationPermissions: [...new Set(seededGroup.applicationPermissions)],
          createTime: now,
          lastModifiedTime: now,
          members: new Map(),
        };
        environment.addGroup(group);
        for (const userId of seededGroup.members ?? []) environment.addMember(group, userId, now, 0);
      }
    }
  }

  snapshot(now: number): EmulatorSnapshot {
    this.settle(now);
    return {
      environments: [...this.environments.values()].map((environment) => ({
        environmentId: environment.environmentId,
        users: [...environment.users.values()].map(snapshotUser),
        permissionGroups: [...environment.groups.values()].map(snapshotGroup),
      })),
    };
  }

  private existing(): ExistingState {
    return {
      hasAccessKey: (accessKeyId) => this.credentials.has(accessKeyId),
      environment: (environmentId) => {
        const environment = this.environments.get(environmentId);
        if (!environment) return undefined;
        return {
          hasUser: (userId) => environment.users.has(userId),
          hasGroup: (permissionGroupId) => environment.groups.has(permissionGroupId),
          hasEmail: (emailAddress) => environment.findUserByEmail(emailAddress) !== undefined,
        };
      },
    };
  }
}

function snapshotUser(user: UserRecord): SnapshotUser {
  return withoutUndefined({
    userId: user.userId,
    type: user.type,
    status: user.status,
    firstName: user.firstName,
    lastName: user.lastName,
    emailAddress: user.emailAddress,
    apiAccess: user.apiAccess,
    apiAccessPrincipalArn: user.apiAccessPrincipalArn,
    createTime: user.createTime,
    lastModifiedTime: user.lastModifiedTime,
    lastEnabledTime: user.lastEnabledTime,
    lastDisabledTime: user.lastDisabledTime,
  });
}

function snapshotGroup(group: PermissionGroupRecord): SnapshotPermissionGroup {
  return withoutUndefined({
    permissionGroupId: group.permissionGroupId,
    name: group.name,
    description: group.description,
    applicationPermissions: [...group.applicationPermissions],
    createTime: group.createTime,
    lastModifiedTime: group.lastModifiedTime,
    members: [...group.members.values()]
      .sort((a, b) => a.sequence - b.sequence)
      .map((membership) => ({ userId: membership.userId, membershipStatus: membership.status })),
  });
}

/** Keeps the snapshot plain JSON: what `JSON.parse(JSON.stringify(x))` gives back equals x. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}
