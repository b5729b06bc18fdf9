/**
 * Every invalid declaration, in one table, with the exact message a user sees:
 * at synth time when the value is known then, as a short CloudFormation reason
 * when only the service can tell.
 */
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import * as finspace from 'aws-cdk-lib/aws-finspace';
import { ApplicationPermission, FinSpaceDataAccess, GroupMembership, PermissionGroup } from '../../lib';
import { cfnEvent, ENV, GROUP_MEMBERSHIP, groupProps, membershipProps, PERMISSION_GROUP, seedWith, startWorld } from '../lambda/support/handler-world';

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly access: FinSpaceDataAccess;
  readonly group: PermissionGroup;
}

function fixture(): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
  const group = new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts' });
  return { app, stack, access, group };
}

const NAME_RULE = 'permissionGroupName must be 1 to 255 characters with at least one that is not blank';
const USER_RULE = 'user id must be 1 to 26 characters with at least one that is not blank';
const EXCLUSIVE_RULE = 'an exclusive membership must be the only one for its group.';

/** [what, declaration, the exact message] */
const SYNTH_ERRORS: Array<[string, (f: Fixture) => void, string]> = [
  // FinSpaceDataAccess
  ['empty environment id', f => new FinSpaceDataAccess(f.stack, 'A', { environmentId: '' }), "environmentId must be 1 to 26 characters and not blank, got ''"],
  ['environment id of 27 characters', f => new FinSpaceDataAccess(f.stack, 'A', { environmentId: 'e'.repeat(27) }),
    `environmentId must be 1 to 26 characters and not blank, got '${'e'.repeat(27)}'`],
  ['timeout over 50 minutes', f => new FinSpaceDataAccess(f.stack, 'A', { environmentId: 'e', timeout: Duration.minutes(55) }),
    'timeout must be at most 50 minutes (CloudFormation fails a resource after one hour), got 55 minutes'],
  ['timeout not a multiple of the poll interval', f => new FinSpaceDataAccess(f.stack, 'A', { environmentId: 'e', timeout: Duration.seconds(100), pollInterval: Duration.seconds(30) }),
    'timeout (100s) must be a multiple of pollInterval (30s) and at least three of them'],
  ['poll interval under a second', f => new FinSpaceDataAccess(f.stack, 'A', { environmentId: 'e', pollInterval: Duration.millis(500) }),
    'pollInterval must be a whole number of seconds, at least 1, got 0.5s'],
  ['concurrency of 0', f => new FinSpaceDataAccess(f.stack, 'A', { environmentId: 'e', maxConcurrency: 0 }), 'maxConcurrency must be a whole number from 1 to 64, got 0'],
  ['concurrency of 65', f => new FinSpaceDataAccess(f.stack, 'A', { environmentId: 'e', maxConcurrency: 65 }), 'maxConcurrency must be a whole number from 1 to 64, got 65'],
  ['settings that differ for one shared provider', f => new FinSpaceDataAccess(f.stack, 'A', { environmentId: 'e', maxConcurrency: 2 }),
    'FinSpaceDataAccess instances that share a handler role in one stack share one provider, so they need the same settings: ' +
    'logRetention=90, timeout=1800s, pollInterval=5s, maxConcurrency=8 vs logRetention=90, timeout=1800s, pollInterval=5s, maxConcurrency=2'],
  // PermissionGroup
  ['empty group name', f => new PermissionGroup(f.stack, 'P', { access: f.access, permissionGroupName: '' }), `${NAME_RULE}, got an empty string`],
  ['blank group name', f => new PermissionGroup(f.stack, 'P', { access: f.access, permissionGroupName: ' \t ' }), `${NAME_RULE}, got 3 characters`],
  ['group name of 256 characters', f => new PermissionGroup(f.stack, 'P', { access: f.access, permissionGroupName: 'n'.repeat(256) }), `${NAME_RULE}, got 256 characters`],
  ['empty description', f => new PermissionGroup(f.stack, 'P', { access: f.access, permissionGroupName: 'p', description: '' }),
    'description must be 1 to 4,000 characters, got an empty string'],
  ['description of 4,001 characters', f => new PermissionGroup(f.stack, 'P', { access: f.access, permissionGroupName: 'p', description: 'd'.repeat(4001) }),
    'description must be 1 to 4,000 characters, got 4001 characters'],
  ['unknown permission', f => new PermissionGroup(f.stack, 'P', { access: f.access, permissionGroupName: 'p', applicationPermissions: ['Admin' as ApplicationPermission] }),
    "applicationPermissions: 'Admin' is not a FinSpace application permission; use one of CreateDataset, ManageClusters, ManageUsersAndGroups, " +
    'ManageAttributeSets, ViewAuditData, AccessNotebooks, GetTemporaryCredentials'],
  ['duplicate permission', f => new PermissionGroup(f.stack, 'P', {
    access: f.access, permissionGroupName: 'p', applicationPermissions: [ApplicationPermission.VIEW_AUDIT_DATA, ApplicationPermission.VIEW_AUDIT_DATA],
  }), "applicationPermissions: 'ViewAuditData' is listed more than once"],
  ['no permissionGroupName (from JavaScript)', f => new PermissionGroup(f.stack, 'P', { access: f.access } as any), `${NAME_RULE}, got undefined`],
  ['no access (from JavaScript)', f => new PermissionGroup(f.stack, 'P', { permissionGroupName: 'p' } as any), 'access must be a FinSpaceDataAccess, got undefined'],
  ['no props at all (from JavaScript)', f => new PermissionGroup(f.stack, 'P', undefined as any), 'access must be a FinSpaceDataAccess, got undefined'],
  ['imported group without access (from JavaScript)', f => PermissionGroup.fromPermissionGroupId(f.stack, 'I', undefined as any, 'g1'),
    'access must be a FinSpaceDataAccess, got undefined'],
  ['imported group id with blanks around it', f => PermissionGroup.fromPermissionGroupId(f.stack, 'I', f.access, ' g1 '),
    "permissionGroupId must not begin or end with blanks, got ' g1 '"],
  ['imported group id of 27 characters', f => PermissionGroup.fromPermissionGroupId(f.stack, 'I', f.access, 'g'.repeat(27)),
    `permissionGroupId must be 1 to 26 characters with at least one that is not blank, got '${'g'.repeat(27)}'`],
  // GroupMembership
  ['empty user id', f => new GroupMembership(f.stack, 'M', { group: f.group, userIds: [''] }), `${USER_RULE}, got ''`],
  ['blank user id', f => new GroupMembership(f.stack, 'M', { group: f.group, userIds: ['   '] }), `${USER_RULE}, got '   '`],
  ['user id of 27 characters', f => new GroupMembership(f.stack, 'M', { group: f.group, userIds: ['u'.repeat(27)] }), `${USER_RULE}, got '${'u'.repeat(27)}'`],
  ['user id with blanks around it', f => new GroupMembership(f.stack, 'M', { group: f.group, userIds: [' alice '] }),
    "user id must not begin or end with blanks, got ' alice '"],
  ['user id with a trailing tab, added later', f => f.group.addMembers('alice\t'), "user id must not begin or end with blanks, got 'alice\t'"],
  ['undefined user id (from JavaScript)', f => new GroupMembership(f.stack, 'M', { group: f.group, userIds: [undefined as any] }), `${USER_RULE}, got undefined`],
  ['membership without a group (from JavaScript)', f => new GroupMembership(f.stack, 'M', { userIds: ['a'] } as any),
    'group must be a permission group (IPermissionGroup), got undefined'],
  ['duplicate user id', f => new GroupMembership(f.stack, 'M', { group: f.group, userIds: ['a', 'b', 'a'] }), "Stack/M: user 'a' is declared more than once"],
  ['duplicate user id across addMembers calls', f => { f.group.addMembers('a'); f.group.addMembers('a'); },
    "Stack/Group/Members: user 'a' is declared more than once"],
  ['two exclusive memberships of one group', f => {
    new GroupMembership(f.stack, 'M1', { group: f.group, exclusive: true });
    new GroupMembership(f.stack, 'M2', { group: f.group, exclusive: true });
  }, `Stack/M2 and Stack/M1 both declare members of permission group Stack/Group, and Stack/M2 is exclusive: ${EXCLUSIVE_RULE}`],
  ['an exclusive and an additive membership of one group', f => {
    f.group.addMembers('a');
    new GroupMembership(f.stack, 'M', { group: f.group, userIds: ['b'], exclusive: true });
  }, `Stack/M and Stack/Group/Members both declare members of permission group Stack/Group, and Stack/M is exclusive: ${EXCLUSIVE_RULE}`],
  ['one user in two additive memberships of one group', f => {
    new GroupMembership(f.stack, 'M1', { group: f.group, userIds: ['a', 'shared'] });
    new GroupMembership(f.stack, 'M2', { group: f.group, userIds: ['shared'] });
    f.app.synth();
  }, "users 'shared' are declared by both Stack/M1 and Stack/M2 for permission group Stack/Group: removing either declaration would remove them; " +
    'declare each user once per group.'],
];

describe('synth-time errors', () => {
  test.each(SYNTH_ERRORS)('%s', (_, declare, message) => {
    const f = fixture();
    let thrown: unknown;
    try {
      declare(f);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    // Validation errors from app.synth() are prefixed with the construct path.
    expect((thrown as Error).message.replace(/^Validation failed with the following errors:\s+\[[^\]]+\] /, '')).toBe(message);
  });
});

describe('declarations that must pass', () => {
  test.each<[string, (f: Fixture) => void]>([
    ['the longest name, description and user id', f => {
      const g = new PermissionGroup(f.stack, 'P', { access: f.access, permissionGroupName: 'n'.repeat(255), description: 'd'.repeat(4000) });
      g.addMembers('u'.repeat(26));
    }],
    ['an environment id from CfnEnvironment', f => {
      const environment = new finspace.CfnEnvironment(f.stack, 'E', { name: 'research' });
      new FinSpaceDataAccess(f.stack, 'A2', { environmentId: environment.attrEnvironmentId });
    }],
    ['tokens for every string', f => {
      const token = (name: string) => Token.asString({ Ref: name });
      const g = new PermissionGroup(f.stack, 'P', {
        access: f.access,
        permissionGroupName: token('Name'),
        description: token('Description'),
        applicationPermissions: [token('Permission') as ApplicationPermission, token('Permission') as ApplicationPermission],
      });
      new GroupMembership(f.stack, 'M', { group: g, userIds: [token('User'), token('User')] });
    }],
    ['the same user in memberships of two groups', f => {
      const other = new PermissionGroup(f.stack, 'Other', { access: f.access, permissionGroupName: 'other' });
      new GroupMembership(f.stack, 'M1', { group: f.group, userIds: ['shared'] });
      new GroupMembership(f.stack, 'M2', { group: other, userIds: ['shared'] });
    }],
    ['an empty exclusive membership', f => new GroupMembership(f.stack, 'M', { group: f.group, exclusive: true })],
  ])('%s', (_, declare) => {
    const f = fixture();
    declare(f);
    expect(() => f.app.synth()).not.toThrow();
  });
});

describe('rejections only the service can make become short CloudFormation reasons', () => {
  test.each<[string, 'group' | 'membership', Record<string, unknown>, string]>([
    ['a name from a token that is too long', 'group', groupProps({ PermissionGroupName: 'n'.repeat(256) }),
      'permission group Resource: CreatePermissionGroup failed with ValidationException'],
    ['a permission from a token that does not exist', 'group', groupProps({ ApplicationPermissions: ['Admin'] }),
      'permission group Resource: CreatePermissionGroup failed with ValidationException'],
    // Refused by the handler's own listing, whether FinSpace would refuse the name or not.
    ['a group name that is taken', 'group', groupProps({ PermissionGroupName: 'taken' }),
      `permission group Resource: a permission group of environment ${ENV} already has the declared name (`],
    ['a user that does not exist', 'membership', { UserIds: ['ghost'] },
      "group membership Resource: FinSpace refused 1 of 1 declared users of permission group GROUP: 'ghost' does not exist."],
    ['a group id that does not exist', 'membership', { PermissionGroupId: 'nosuchgroup', UserIds: ['alice'] },
      `group membership Resource: permission group nosuchgroup does not exist in FinSpace environment ${ENV}`],
  ])('%s', async (_, kind, props, reason) => {
    const world = await startWorld({ seed: seedWith(['alice']) });
    try {
      await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'taken' })));
      const groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'existing' })))).physicalResourceId;
      const event = kind === 'group'
        ? cfnEvent('Create', PERMISSION_GROUP, props)
        : cfnEvent('Create', GROUP_MEMBERSHIP, { ...membershipProps(groupId, []), ...props });
      const failure = await world.deploy(event).catch(error => error as Error);
      expect(failure).toBeInstanceOf(Error);
      const message = (failure as Error).message;
      expect(message.startsWith(reason.replace('GROUP', groupId))).toBe(true);
      expect(message).not.toContain('\n');
      expect(message.length).toBeLessThan(1000);
      expect((failure as Error).stack).toBe(message);
    } finally {
      await world.stop();
    }
  });
});
