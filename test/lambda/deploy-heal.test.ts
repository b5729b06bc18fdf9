/**
 * The deploy-heal resource's events (healOnDeploy), through the real audit code over
 * HTTP against the emulator: a deploy heals while its stack is in progress, a delete
 * or a rollback touches nothing, and drift left over fails the deploy with a short
 * reason that names it.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  cfnEvent, ENV, GROUP_MEMBERSHIP, groupProps, membershipProps, membersOf, PERMISSION_GROUP, seedWith, startWorld, World,
} from './support/handler-world';
import { DEPLOY_HEAL_RESOURCE_TYPE, type AuditResult, type DeclaredResources, type DriftFinding } from '../../contract/drift-audit';
import { healOnDeploy, isCustomResourceEvent, unhealedDrift } from '../../lambda/deploy-heal';
import { invocationContext } from '../../lambda/handler-context';

const USERS = ['alice', 'bob', 'carol', 'mallory'];
let world: World;
let groupId: string;

beforeEach(async () => {
  world = await startWorld({ seed: seedWith(USERS) });
  groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob'], { Exclusive: 'true' })));
  // Out of band: a declared member removed, an undeclared one added, the group renamed.
  const client = world.context().clientFor(ENV);
  await client.disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId: 'bob' });
  await client.associateUserToPermissionGroup({ permissionGroupId: groupId, userId: 'mallory' });
  await client.updatePermissionGroup({ permissionGroupId: groupId, name: 'renamed' } as never);
  world.clock.advance(1_000);
  world.emulator.resetCalls();
  // The deploy-heal resource is updated in the middle of its stack's deployment.
  world.stackStatus = 'UPDATE_IN_PROGRESS';
});
afterEach(() => world?.stop());

function declared(userIds = ['alice', 'bob']): DeclaredResources {
  return {
    resources: [
      { logicalId: 'Analysts', type: PERMISSION_GROUP, physicalId: { deployTimeValue: 0 }, properties: groupProps() },
      {
        logicalId: 'AnalystsMembers',
        type: GROUP_MEMBERSHIP,
        properties: { ...membershipProps('', userIds, { Exclusive: 'true' }), PermissionGroupId: { deployTimeValue: 0 } },
      },
    ],
  } as DeclaredResources;
}

function healEvent(requestType: 'Create' | 'Update' | 'Delete', deployTimeValues = [groupId]): CloudFormationCustomResourceEvent {
  const event = cfnEvent(requestType, DEPLOY_HEAL_RESOURCE_TYPE, { DeployTimeValues: deployTimeValues, DeployRun: 'run-2' }, {
    logicalResourceId: 'HealOnDeploy',
    ...(requestType === 'Create' ? {} : { physicalResourceId: 'HealOnDeploy-deploy-heal', old: { DeployTimeValues: deployTimeValues, DeployRun: 'run-1' } }),
  });
  return event as CloudFormationCustomResourceEvent;
}

const heal = (event: CloudFormationCustomResourceEvent, resources: DeclaredResources | undefined = declared()) =>
  healOnDeploy(event, resources, invocationContext(world.context(), 'onEvent'));
const memberIds = () => membersOf(world.emulator, groupId).filter(([, status]) => status !== 'REMOVAL_IN_PROGRESS').map(([userId]) => userId).sort();
const groupName = () => world.emulator.snapshot().environments[0].permissionGroups.find(g => g.permissionGroupId === groupId)!.name;

test('an Update in the middle of the deployment heals everything and succeeds, with the counts', async () => {
  const event = healEvent('Update');
  expect(isCustomResourceEvent(event)).toBe(true);
  expect(await heal(event)).toEqual({
    Status: 'SUCCESS',
    Reason: '',
    PhysicalResourceId: 'HealOnDeploy-deploy-heal',
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: 'HealOnDeploy',
    Data: { DriftedGroups: '1', DriftedMembers: '2' },
  });
  world.clock.advance(1_000);
  expect(memberIds()).toEqual(['alice', 'bob']);
  expect(groupName()).toBe(groupProps().PermissionGroupName);
});

test('a Create heals too, and names its physical id', async () => {
  const response = await heal(healEvent('Create'));
  expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'HealOnDeploy-deploy-heal' });
  world.clock.advance(1_000);
  expect(memberIds()).toEqual(['alice', 'bob']);
});

test('a Delete succeeds at once and calls nothing', async () => {
  expect(await heal(healEvent('Delete'))).toMatchObject({ Status: 'SUCCESS', Reason: '' });
  expect(world.emulator.calls).toEqual([]);
  expect(memberIds()).toEqual(['alice', 'mallory']);
});

test('during a rollback it succeeds and touches nothing: the rollback puts the previous declaration back', async () => {
  world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
  expect(await heal(healEvent('Update'))).toMatchObject({ Status: 'SUCCESS', Reason: '' });
  expect(world.emulator.calls).toEqual([]);
  expect(memberIds()).toEqual(['alice', 'mallory']);
});

test('drift it cannot heal fails the deploy, naming the resource, its findings and the cause', async () => {
  const response = await heal(healEvent('Update'), declared(['alice', 'bob', 'ghost']));
  expect(response).toMatchObject({ Status: 'FAILED', Data: { DriftedGroups: '1', DriftedMembers: '3' } });
  expect(response.Reason).toBe('FinSpace differs from the declaration and the deploy-time heal could not put it back: ' +
    `AnalystsMembers (group ${groupId}): MemberExtra mallory, MemberMissing bob, MemberMissing ghost: ` +
    `FinSpace refused 1 of 3 declared users of permission group ${groupId}: ` +
    '\'ghost\' does not exist. Create or enable these users in FinSpace, or remove them from the declaration.. ' +
    'The audit function\'s log lists every finding');
  world.clock.advance(1_000);
  // The reconcile went on past the refused user; the audit reports the resource's findings with the refusal.
  expect(memberIds()).toEqual(['alice', 'bob']);
  expect(groupName()).toBe(groupProps().PermissionGroupName);
});

test('a resource it cannot compare fails the deploy', async () => {
  const response = await heal(healEvent('Update', []));
  expect(response).toMatchObject({
    Status: 'FAILED',
    Reason: 'FinSpace differs from the declaration and the deploy-time heal could not put it back: ' +
      'not compared (FinSpace did not answer): Analysts, AnalystsMembers. The audit function\'s log lists every finding',
  });
});

test('a function without declared resources fails the deploy with a short reason', async () => {
  expect(await heal(healEvent('Update'), null as never)).toMatchObject({
    Status: 'FAILED', Reason: 'the audit function has no declared resources in its layer',
  });
});

test('the reason names five findings per cause, counts the rest, and stays within 1,000 characters', () => {
  const findings: DriftFinding[] = Array.from({ length: 40 }, (_, i) => ({
    kind: 'MemberMissing', logicalId: `Members${i}`, permissionGroupId: 'pg', userId: `user${i}`, healed: false, notHealedBecause: 'x'.repeat(150),
  }));
  const result: AuditResult = { audited: true, healRequested: true, findings, driftedGroups: 0, driftedMembers: 40, notCompared: [] };
  const reason = unhealedDrift(result)!;
  expect(reason).toHaveLength(1000);
  expect(reason.endsWith('...')).toBe(true);
  const oneCause = findings.slice(0, 7).map(f => ({ ...f, logicalId: 'Members', notHealedBecause: 'y' }));
  expect(unhealedDrift({ ...result, findings: oneCause })).toBe('FinSpace differs from the declaration and the deploy-time heal could not put it back: ' +
    'Members (group pg): MemberMissing user0, MemberMissing user1, MemberMissing user2, MemberMissing user3, MemberMissing user4, 2 more: y. ' +
    'The audit function\'s log lists every finding');
  expect(unhealedDrift({ ...result, findings: findings.map(f => ({ ...f, healed: true })) })).toBeUndefined();
});
