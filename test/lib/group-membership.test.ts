import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { MAX_INLINE_USER_IDS } from '../../contract/user-ids-object';
import { FinSpaceDataAccess, GroupMembership, PermissionGroup } from '../../lib';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
  const group = new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts' });
  return { app, stack, access, group };
}

function memberships(stack: Stack): Array<[string, any]> {
  return Object.entries(Template.fromStack(stack).findResources('Custom::FinSpaceGroupMembership'));
}

/**
 * A path of resources that leads back to its first one, through DependsOn, Ref and
 * Fn::GetAtt, as CloudFormation follows them; undefined when there is none.
 */
function dependencyCycle(resources: Record<string, any>): string[] | undefined {
  const edges = new Map<string, Set<string>>();
  const referenced = (value: unknown, found: Set<string>) => {
    if (Array.isArray(value)) {
      value.forEach(item => referenced(item, found));
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string' && inner in resources) found.add(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner) && inner[0] in resources) found.add(inner[0]);
        else referenced(inner, found);
      }
    }
  };
  for (const [id, resource] of Object.entries(resources)) {
    const found = new Set<string>([resource.DependsOn ?? []].flat());
    referenced(resource.Properties, found);
    edges.set(id, found);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): string[] | undefined => {
    if (state.get(id) === 'visiting') return [...trail.slice(trail.indexOf(id)), id];
    if (state.get(id) === 'done') return undefined;
    state.set(id, 'visiting');
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next, [...trail, id]);
      if (cycle) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

const users = (count: number, prefix = 'user') => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);

describe('GroupMembership', () => {
  test('declares many members in one custom resource, sorted, that depends on the group', () => {
    const { stack, group } = setup();
    new GroupMembership(stack, 'Members', { group, userIds: ['zoe', 'adam', 'mia'] });
    const resources = memberships(stack);
    expect(resources).toHaveLength(1);
    const [, resource] = resources[0];
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^FinSpaceDataProviderframeworkonEvent/), 'Arn'] },
      ServiceTimeout: '2100',
      EnvironmentId: 'env1',
      PermissionGroupId: { Ref: expect.stringMatching(/^Group/) },
      UserIds: ['adam', 'mia', 'zoe'],
      Exclusive: 'false',
      MembershipKey: expect.stringMatching(/^[0-9a-f]{8}$/),
      GroupKey: expect.stringMatching(/^[0-9a-f]{16}$/),
      ShardIndex: '0',
      ShardCount: '1',
    });
    expect(resource.DependsOn).toEqual([expect.stringMatching(/^Group/)]);
    expect(resource.DeletionPolicy).toBe('Delete');
  });

  test('an exclusive membership is marked so', () => {
    const { stack, group } = setup();
    new GroupMembership(stack, 'Members', { group, userIds: ['adam'], exclusive: true });
    expect(memberships(stack)[0][1].Properties.Exclusive).toBe('true');
  });

  test(`lists up to ${MAX_INLINE_USER_IDS} users in the template, and puts more into one S3 object that it names by key and digest`, () => {
    const { app, stack, group } = setup();
    new GroupMembership(stack, 'Fits', { group, userIds: users(MAX_INLINE_USER_IDS, 'a') });
    const other = PermissionGroup.fromPermissionGroupId(stack, 'Other', group.access, 'pg-other');
    const declared = users(MAX_INLINE_USER_IDS + 1, 'b');
    new GroupMembership(stack, 'Large', { group: other, userIds: [...declared].reverse() });
    const assembly = app.synth();

    const all = memberships(stack);
    expect(all.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['Fits', 'Large']);
    const [fits, large] = all.map(([, r]) => r.Properties);
    expect(fits.UserIds).toEqual(users(MAX_INLINE_USER_IDS, 'a'));
    expect(fits.UserIdsKey).toBeUndefined();
    expect(large.UserIds).toBeUndefined();
    expect(large).toMatchObject({
      UserIdsBucket: 'cdk-hnb659fds-assets-111122223333-us-east-1',
      UserIdsKey: expect.stringMatching(/^[0-9a-f]{64}\.finspace-user-ids$/),
      UserIdsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      UserCount: String(MAX_INLINE_USER_IDS + 1),
      ShardIndex: '0',
      ShardCount: '1',
    });
    // The object cdk deploy uploads: the ids sorted, with the digest the template names.
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'));
    const [asset] = Object.values(manifest.files as Record<string, any>)
      .filter(f => Object.values(f.destinations as Record<string, { objectKey: string }>).some(d => d.objectKey === large.UserIdsKey));
    const content = fs.readFileSync(path.join(assembly.directory, asset.source.path));
    expect(createHash('sha256').update(content).digest('hex')).toBe(large.UserIdsSha256);
    expect(JSON.parse(content.toString('utf8'))).toEqual(declared);
  });

  test('the handler may read user-id objects and nothing else of the asset bucket, with one statement however many there are', () => {
    const { stack, group } = setup();
    group.addMembers(...users(MAX_INLINE_USER_IDS + 1, 'a'));
    new GroupMembership(stack, 'Second', { group: PermissionGroup.fromPermissionGroupId(stack, 'Other', group.access, 'pg-other'), userIds: users(MAX_INLINE_USER_IDS + 1, 'b') });
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as any[];
    const reads = policies.flatMap(p => p.Properties.PolicyDocument.Statement).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(reads).toEqual([{
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::cdk-hnb659fds-assets-111122223333-us-east-1/*.finspace-user-ids']] },
    }]);
  });

  test('user ids known only at deploy time stay in the template beside the object', () => {
    const { stack, group } = setup();
    const fromParameter = new CfnParameter(stack, 'UserId').valueAsString;
    new GroupMembership(stack, 'M', { group, userIds: [fromParameter, ...users(MAX_INLINE_USER_IDS, 'a')] });
    const [[, resource]] = memberships(stack);
    expect(resource.Properties.UserIds).toEqual([{ Ref: 'UserId' }]);
    expect(resource.Properties.UserCount).toBe(String(MAX_INLINE_USER_IDS + 1));
  });

  test('the handler functions get a layer with every declared user per group and the resource that declares it', () => {
    const { app, stack, group } = setup();
    new GroupMembership(stack, 'One', { group, userIds: ['a', 'b'] });
    group.addMembers('c');
    const other = PermissionGroup.fromPermissionGroupId(stack, 'Other', group.access, 'pg-other');
    new GroupMembership(stack, 'Two', { group: other, userIds: users(3500, 'x') });
    const declaredBy = (props: any): string[] => props.UserIds ?? users(3500, 'x');
    const assembly = app.synth();
    const template = Template.fromStack(stack);

    const layers = template.findResources('AWS::Lambda::LayerVersion');
    expect(Object.keys(layers)).toHaveLength(1);
    const [layerId] = Object.keys(layers);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    const handlers = functions.filter(f => /^index\./.test(f.Properties.Handler));
    expect(handlers.map(f => f.Properties.Layers)).toEqual([[{ Ref: layerId }], [{ Ref: layerId }]]);

    const assetHash = String((layers[layerId] as any).Properties.Content.S3Key).replace(/\.zip$/, '');
    const index = JSON.parse(fs.readFileSync(path.join(assembly.directory, `asset.${assetHash}`, 'finspace', 'declared-members.json'), 'utf8'));
    const resources = memberships(stack).map(([, r]) => r.Properties);
    const expected: Record<string, { environment: string; users: Record<string, string> }> = {};
    for (const props of resources) {
      for (const userId of declaredBy(props)) {
        (expected[props.GroupKey] ??= { environment: props.EnvironmentId, users: {} }).users[userId] = `${props.MembershipKey}/${props.ShardIndex}`;
      }
    }
    expect(index).toEqual({ groups: expected });
    expect(Object.keys(index.groups)).toHaveLength(2);
    expect(Object.keys(index.groups[resources.find(p => p.PermissionGroupId === 'pg-other').GroupKey].users)).toHaveLength(3500);
    expect(handlers.every(f => f.Properties.Environment.Variables.DECLARED_MEMBERS_ENVIRONMENTS === undefined)).toBe(true);
  });

  test('the layer names the environment of each group; one known only at deploy time reaches the handler through its environment', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const environmentId = new CfnParameter(stack, 'EnvironmentId').valueAsString;
    const access = new FinSpaceDataAccess(stack, 'Access', { environmentId });
    const literal = new FinSpaceDataAccess(stack, 'Literal', { environmentId: 'fs-literal-env' });
    new GroupMembership(stack, 'OnDeployTimeEnvironment', { group: new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'g' }), userIds: ['a'] });
    new GroupMembership(stack, 'OnLiteralEnvironment', { group: PermissionGroup.fromPermissionGroupId(stack, 'Imported', literal, 'pg-1'), userIds: ['b'] });
    const assembly = app.synth();
    const template = Template.fromStack(stack);

    const layers = Object.values(template.findResources('AWS::Lambda::LayerVersion')) as any[];
    expect(layers).toHaveLength(1); // one provider serves both accesses
    const [layer] = layers;
    const assetHash = String(layer.Properties.Content.S3Key).replace(/\.zip$/, '');
    const index = JSON.parse(fs.readFileSync(path.join(assembly.directory, `asset.${assetHash}`, 'finspace', 'declared-members.json'), 'utf8'));
    expect(Object.values(index.groups).map((g: any) => [g.environment, Object.keys(g.users)])).toEqual([[0, ['a']], ['fs-literal-env', ['b']]]);
    const handlers = (Object.values(template.findResources('AWS::Lambda::Function')) as any[]).filter(f => /^index\./.test(f.Properties.Handler));
    expect(handlers.map(f => f.Properties.Environment.Variables.DECLARED_MEMBERS_ENVIRONMENTS)).toEqual([
      { 'Fn::Join': ['', ['["', { Ref: 'EnvironmentId' }, '"]']] },
      { 'Fn::Join': ['', ['["', { Ref: 'EnvironmentId' }, '"]']] },
    ]);
  });

  test('PermissionGroup members and addMembers build one additive GroupMembership', () => {
    const { stack, access } = setup();
    const group = new PermissionGroup(stack, 'Quants', { access, permissionGroupName: 'quants', members: ['u1', 'u2'] });
    group.addMembers('u3');
    group.addMembers('u4', 'u5');
    const resources = memberships(stack);
    expect(resources).toHaveLength(1);
    expect(resources[0][0]).toMatch(/^QuantsMembers/);
    expect(resources[0][1].Properties.UserIds).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(resources[0][1].Properties.Exclusive).toBe('false');
  });

  test('an imported group can be given members', () => {
    const { stack, access } = setup();
    const imported = PermissionGroup.fromPermissionGroupId(stack, 'Imported', access, 'pg123');
    imported.addMembers('u1');
    const [, resource] = memberships(stack)[0];
    expect(resource.Properties.PermissionGroupId).toBe('pg123');
    expect(resource.DependsOn).toBeUndefined();
  });

  test('RETAIN leaves the members in the group', () => {
    const { stack, group } = setup();
    new GroupMembership(stack, 'Members', { group, userIds: ['a'], removalPolicy: RemovalPolicy.RETAIN });
    expect(memberships(stack)[0][1].DeletionPolicy).toBe('Retain');
  });

  test('applyRemovalPolicy(RETAIN) leaves the members, and SNAPSHOT is refused at synth', () => {
    const { stack, group } = setup();
    const members = new GroupMembership(stack, 'Members', { group, userIds: Array.from({ length: 3001 }, (_, i) => `user${i}`) });
    members.applyRemovalPolicy(RemovalPolicy.RETAIN);
    expect(memberships(stack).map(([, resource]) => [resource.DeletionPolicy, resource.UpdateReplacePolicy]))
      .toEqual([['Retain', 'Retain']]);
    const message = 'RemovalPolicy.SNAPSHOT is not supported: FinSpace groups and memberships have no snapshot; ' +
      'use RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE';
    expect(() => members.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(`Stack/Members: ${message}`);
    expect(() => new GroupMembership(stack, 'Snap', { group, userIds: ['b'], removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(`Stack/Snap: ${message}`);
  });

  test('an empty exclusive membership is allowed: it empties the group, with a warning that can be acknowledged', () => {
    const { stack, group } = setup();
    new GroupMembership(stack, 'Nobody', { group, exclusive: true });
    new GroupMembership(stack, 'EmptyAdditive', { group: PermissionGroup.fromPermissionGroupId(stack, 'Other', group.access, 'other1') });
    expect(memberships(stack).find(([id]) => id.startsWith('Nobody'))![1].Properties.UserIds).toEqual([]);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('declares no users'));
    expect(warnings.map(w => [w.id, w.entry.data])).toEqual([[
      '/Stack/Nobody',
      'Exclusive membership declares no users: deploying it removes every member of the group (except the FinSpace user the handler acts as). ' +
      '[ack: cdk-finspace-permission-groups:GroupMembership.emptiesGroup]',
    ]]);
  });

  describe.each([3001, 50_000])('%i members, through every API', count => {
    // 26 characters, the longest FinSpace allows: the case that filled the template most.
    const declared = Array.from({ length: count }, (_, i) => `member${String(i).padStart(20, '0')}`);
    const apis: Array<[string, (stack: Stack, access: FinSpaceDataAccess) => void]> = [
      ['members', (stack, access) => { new PermissionGroup(stack, 'Big', { access, permissionGroupName: 'big', members: declared }); }],
      ['addMembers()', (stack, access) => new PermissionGroup(stack, 'Big', { access, permissionGroupName: 'big' }).addMembers(...declared)],
      ['GroupMembership', (stack, access) => {
        const group = new PermissionGroup(stack, 'Big', { access, permissionGroupName: 'big' });
        new GroupMembership(stack, 'BigMembers', { group, userIds: declared });
      }],
      ['GroupMembership of an imported group', (stack, access) => {
        new GroupMembership(stack, 'BigMembers', { group: PermissionGroup.fromPermissionGroupId(stack, 'Big', access, 'pg-big'), userIds: declared });
      }],
    ];

    test.each(apis)('%s: a template CloudFormation accepts, with one membership resource that holds them all', (_api, declare) => {
      const { app, stack, access } = setup();
      declare(stack, access);
      // Synthesis fails for a template over 1,000,000 bytes (lib/template-size-limit.ts); aws-cdk-lib's for over 500 resources.
      const assembly = app.synth();
      const templateBytes = fs.statSync(path.join(assembly.directory, stack.templateFile)).size;
      expect(templateBytes).toBeLessThan(100_000);
      const resources: Record<string, any> = Template.fromStack(stack).toJSON().Resources;
      expect(Object.keys(resources).length).toBeLessThan(500);
      const [groupId] = Object.keys(resources).filter(id => resources[id].Type === 'Custom::FinSpacePermissionGroup' && id.startsWith('Big'));
      const membershipResources = Object.values(resources).filter(r => r.Type === 'Custom::FinSpaceGroupMembership');
      expect(membershipResources).toHaveLength(1);
      const [membership] = membershipResources;
      expect(membership.DependsOn).toEqual(groupId ? [groupId] : undefined);
      expect(membership.Properties.PermissionGroupId).toEqual(groupId ? { Ref: groupId } : 'pg-big');
      expect(membership.Properties.UserCount).toBe(String(count));
      const object = fs.readFileSync(path.join(assembly.directory, `asset.${membership.Properties.UserIdsKey.replace('.finspace-user-ids', '')}.finspace-user-ids`));
      expect(JSON.parse(object.toString('utf8'))).toEqual(declared);
      expect(dependencyCycle(resources)).toBeUndefined();
    });
  });

  // Invalid declarations and conflicts with their messages: test/reliability/bad-input.test.ts.

  describe('validation', () => {
    test('accepts the longest user id and tokens', () => {
      const { stack, group } = setup();
      const fromParameter = Token.asString({ Ref: 'UserId' });
      new GroupMembership(stack, 'M', { group, userIds: ['u'.repeat(26), fromParameter, fromParameter] });
      expect(memberships(stack)[0][1].Properties.UserIds).toEqual([{ Ref: 'UserId' }, { Ref: 'UserId' }, 'u'.repeat(26)]);
    });

    test('refuses users added after synthesis', () => {
      const { app, stack, group } = setup();
      const membership = new GroupMembership(stack, 'M', { group, userIds: ['a'] });
      app.synth();
      expect(() => membership.addUsers('b')).toThrow('Stack/M: users cannot be added after the app was synthesized');
    });
  });
});
