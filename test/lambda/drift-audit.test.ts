/**
 * The drift audit, run through the real handler code over HTTP against the
 * emulator: every kind of drift in both membership modes, with and without healing,
 * under faults, and never while the stack is being deployed.
 */
import {
  cfnEvent, ENV, GROUP_MEMBERSHIP, groupProps, groupsOf, HANDLER_USER, membershipProps, membersOf,
  PERMISSION_GROUP, ROLE_ARN, seedWith, startWorld, World,
} from './support/handler-world';
import type { AuditRequest, AuditResult, DeclaredResources, DriftFinding } from '../../contract/drift-audit';
import { runAudit } from '../../lambda/drift-audit';
import { invocationContext } from '../../lambda/handler-context';
import type { HandlerContext } from '../../lambda/handler-context';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/Handler/1';
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory'];
let world: World;
let groupId: string;

/** One group with one membership of `declared` users, deployed; the stack then settled. */
async function deployed(declared: string[], exclusive: boolean) {
  world = await startWorld({ seed: seedWith(USERS) });
  groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, declared, { Exclusive: String(exclusive) })));
  world.stackStatus = 'UPDATE_COMPLETE';
  world.emulator.resetCalls();
  world.logs.length = 0;
}
afterEach(() => world?.stop());

/** The stack's declared resources as the provider publishes them: the group's id is a deploy-time value. */
function declaredResources(declared: string[], exclusive: boolean): DeclaredResources {
  return {
    resources: [
      { logicalId: 'Analysts', type: PERMISSION_GROUP, physicalId: { deployTimeValue: 0 }, properties: groupProps() },
      {
        logicalId: 'AnalystsMembers',
        type: GROUP_MEMBERSHIP,
        properties: { ...membershipProps('', declared, { Exclusive: String(exclusive) }), PermissionGroupId: { deployTimeValue: 0 } },
      },
    ],
  } as DeclaredResources;
}

function audit(declared: string[], exclusive: boolean, heal: boolean, overrides: Partial<HandlerContext> = {}): Promise<AuditResult> {
  const request: AuditRequest = { stackId: STACK_ID, heal, deployTimeValues: [groupId] };
  return runAudit(request, declaredResources(declared, exclusive), invocationContext(world.context(overrides), 'onEvent'), 'test-run');
}

/** Out-of-band changes, as a FinSpace administrator makes them in the web application. */
const admin = {
  client: () => world.context().clientFor(ENV),
  add: (userId: string) => admin.client().associateUserToPermissionGroup({ permissionGroupId: groupId, userId }),
  remove: (userId: string) => admin.client().disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId }),
  update: (changes: { name?: string; description?: string; applicationPermissions?: string[] }) =>
    admin.client().updatePermissionGroup({ permissionGroupId: groupId, ...changes } as never),
  /** FinSpace deletes only an empty group: the members leave first. */
  async deleteGroup() {
    for (const [userId] of membersOf(world.emulator, groupId)) await admin.remove(userId);
    world.clock.advance(1_000);
    await admin.client().deletePermissionGroup({ permissionGroupId: groupId });
  },
  /** Lets FinSpace finish what it started, then forgets the calls. */
  settle() {
    world.clock.advance(1_000);
    world.emulator.resetCalls();
  },
};

const finding = (kind: DriftFinding['kind'], fields: Partial<DriftFinding> = {}): DriftFinding => ({
  kind,
  logicalId: ['MemberMissing', 'MemberExtra'].includes(kind) ? 'AnalystsMembers' : 'Analysts',
  permissionGroupId: groupId,
  ...fields,
});
const memberIds = () => membersOf(world.emulator, groupId).filter(([, status]) => status !== 'REMOVAL_IN_PROGRESS').map(([userId]) => userId);
const metricsLine = () => JSON.parse(world.logs.find(line => line.includes('"_aws"'))!);

describe.each([false, true])('exclusive: %s', exclusive => {
  const declared = ['alice', 'bob', 'carol'];
  beforeEach(() => deployed(declared, exclusive));

  test('no drift: no finding, zero metrics, one read of the group and one listing, no write', async () => {
    const result = await audit(declared, exclusive, false);
    expect(result).toEqual({
      audited: true, stackStatus: 'UPDATE_COMPLETE', healRequested: false, findings: [], driftedGroups: 0, driftedMembers: 0, notCompared: [],
    });
    expect(world.emulator.calls.map(c => c.operation).sort()).toEqual(['GetPermissionGroup', 'ListUsersByPermissionGroup']);
    expect(metricsLine()).toMatchObject({ StackName: 'Handler', DriftedGroups: 0, DriftedMembers: 0 });
  });

  test('a removed member, a rename, a changed description and a granted permission are each found; nothing is written', async () => {
    await admin.remove('bob');
    await admin.update({ name: 'renamed', description: 'changed', applicationPermissions: ['CreateDataset', 'ManageUsersAndGroups'] });
    admin.settle();
    const result = await audit(declared, exclusive, false);
    expect(result.findings).toEqual([
      finding('DescriptionChanged'),
      finding('GroupRenamed'),
      finding('PermissionsChanged', { permissionsAdded: ['ManageUsersAndGroups'], permissionsRemoved: [] }),
      finding('MemberMissing', { userId: 'bob' }),
    ]);
    expect([result.driftedGroups, result.driftedMembers]).toEqual([1, 1]);
    expect(world.writes()).toEqual([]);
    expect(metricsLine()).toMatchObject({ StackName: 'Handler', DriftedGroups: 1, DriftedMembers: 1 });
    // Ids only: the log never holds a name or a description.
    expect(world.logs.join('\n')).not.toMatch(/renamed|changed|analysts|Analysts'/);
  });

  test('healing puts everything back with one call per drifted item, through the deploy\'s reconcile', async () => {
    await admin.remove('bob');
    await admin.update({ name: 'renamed', applicationPermissions: ['CreateDataset', 'ManageUsersAndGroups'] });
    admin.settle();
    const result = await audit(declared, exclusive, true);
    expect(result.findings.map(f => [f.kind, f.healed])).toEqual([['GroupRenamed', true], ['PermissionsChanged', true], ['MemberMissing', true]]);
    expect(world.writes().sort()).toEqual(['AssociateUserToPermissionGroup', 'UpdatePermissionGroup']);
    world.clock.advance(1_000);
    expect(memberIds()).toEqual(['alice', 'bob', 'carol']);
    expect(groupsOf(world.emulator).find(g => g.permissionGroupId === groupId)).toMatchObject({ name: 'analysts', applicationPermissions: ['CreateDataset'] });
    // The next audit finds nothing.
    world.emulator.resetCalls();
    expect((await audit(declared, exclusive, true)).findings).toEqual([]);
    expect(world.writes()).toEqual([]);
  });

  test('an undeclared member is drift only for an exclusive membership, and only then removed by healing; the handler\'s own user never', async () => {
    await admin.add('mallory');
    await admin.add(HANDLER_USER);
    admin.settle();
    const result = await audit(declared, exclusive, true);
    if (exclusive) {
      expect(result.findings).toEqual([finding('MemberExtra', { userId: 'mallory', healed: true })]);
      expect(world.writes()).toEqual(['DisassociateUserFromPermissionGroup']);
    } else {
      expect(result.findings).toEqual([]);
      expect(world.writes()).toEqual([]);
    }
    world.clock.advance(1_000);
    expect(memberIds()).toEqual(exclusive ? ['alice', HANDLER_USER, 'bob', 'carol'].sort() : ['alice', HANDLER_USER, 'bob', 'carol', 'mallory'].sort());
  });

  test('a deleted group is reported, not recreated, and its members are not reported apart', async () => {
    await admin.deleteGroup();
    admin.settle();
    const result = await audit(declared, exclusive, true);
    expect(result.findings).toEqual([finding('GroupDeleted', {
      healed: false,
      notHealedBecause: 'a deleted group is not created again by the audit (its id belongs to CloudFormation); the next deploy that changes the group recreates it',
    })]);
    expect([result.driftedGroups, result.driftedMembers]).toEqual([1, 0]);
    expect(world.writes()).toEqual([]);
    expect(world.emulator.calls.map(c => c.operation)).toEqual(['GetPermissionGroup']);
  });

  test('under throttling, server errors and connection resets the audit finds and heals exactly the same', async () => {
    await admin.remove('bob');
    await admin.remove('carol');
    await admin.add('mallory');
    await admin.update({ description: 'changed' });
    admin.settle();
    world.emulator.setFaults({ seed: 7, throttleRate: 0.2, serverErrorRate: 0.15, connectionResetRate: 0.1 });
    const result = await audit(declared, exclusive, true);
    const faults = world.emulator.faultCounts();
    world.emulator.setFaults(undefined);
    expect(faults.throttle + faults['server-error'] + faults.reset).toBeGreaterThan(0);
    expect(result.notCompared).toEqual([]);
    expect(result.findings.map(f => [f.kind, f.userId, f.healed])).toEqual([
      ['DescriptionChanged', undefined, true],
      ...(exclusive ? [['MemberExtra', 'mallory', true]] : []),
      ['MemberMissing', 'bob', true],
      ['MemberMissing', 'carol', true],
    ]);
    world.clock.advance(1_000);
    expect(memberIds()).toEqual(exclusive ? ['alice', 'bob', 'carol'] : ['alice', 'bob', 'carol', 'mallory']);
    expect(groupsOf(world.emulator).find(g => g.permissionGroupId === groupId)?.description).toBe('Analysts');
  });
});

describe('never races a deployment', () => {
  const declared = ['alice', 'bob'];
  beforeEach(() => deployed(declared, true));

  test.each(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED'])(
    'an audit while the stack is %s does nothing and says so', async status => {
      await admin.remove('bob');
      admin.settle();
      world.stackStatus = status;
      const result = await audit(declared, true, true);
      expect(result).toEqual({
        audited: false,
        stackStatus: status,
        skippedBecause: `the stack is ${status}`,
        healRequested: true,
        findings: [],
        driftedGroups: 0,
        driftedMembers: 0,
        notCompared: [],
      });
      expect(world.emulator.calls).toEqual([]);
      expect(world.logs.map(line => JSON.parse(line).message)).toEqual(['drift audit skipped: the stack is not settled, and the audit never races a deployment']);
    });

  test('an audit whose stack status is unknown does nothing', async () => {
    const result = await audit(declared, true, true, { stackStatus: async () => { throw new Error('Throttling'); } });
    expect(result).toMatchObject({ audited: false, skippedBecause: 'the stack\'s status is unknown (Throttling)' });
    expect(world.emulator.calls).toEqual([]);
  });

  test('an audit in the middle of a deploy does nothing; the deploy finishes as declared; the next audit finds no drift', async () => {
    const next = ['alice', 'carol', 'dave'];
    world.stackStatus = 'UPDATE_IN_PROGRESS';
    const deploying = world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, next, { Exclusive: 'true' }), {
      old: membershipProps(groupId, declared, { Exclusive: 'true' }),
      physicalResourceId: `${groupId}/abcd1234/0`,
    }));
    // Wait for the deploy to have written, not for a duration.
    while (!world.emulator.calls.some(c => c.operation === 'AssociateUserToPermissionGroup')) await new Promise(resolve => setImmediate(resolve));
    const writesBefore = world.writes().length;
    // The audit still has the old declaration (its layer is updated by the deploy): it must not act on it.
    const during = await audit(declared, true, true);
    expect(during).toMatchObject({ audited: false, stackStatus: 'UPDATE_IN_PROGRESS', findings: [] });
    await deploying;
    expect(world.writes().length).toBeGreaterThanOrEqual(writesBefore);
    expect(world.emulator.calls.filter(c => c.operation === 'GetPermissionGroup')).toEqual([]);
    world.stackStatus = 'UPDATE_COMPLETE';
    world.clock.advance(1_000);
    expect(memberIds()).toEqual(next);
    expect((await audit(next, true, true)).findings).toEqual([]);
  });

  test('a deploy that starts between the comparison and the healing: the drift is reported, not healed', async () => {
    await admin.remove('bob');
    admin.settle();
    const statuses = ['UPDATE_COMPLETE', 'UPDATE_IN_PROGRESS'];
    const result = await audit(declared, true, true, { stackStatus: async () => statuses.shift() ?? 'UPDATE_IN_PROGRESS' });
    expect(result.findings).toEqual([finding('MemberMissing', { userId: 'bob', healed: false, notHealedBecause: 'the stack is UPDATE_IN_PROGRESS' })]);
    expect(world.writes()).toEqual([]);
  });
});

test('a declared member still leaving the group is reported, not healed yet; the next audit, once it left, adds it back', async () => {
  await deployed(['alice', 'bob'], false);
  await admin.remove('bob');
  world.emulator.resetCalls();
  const first = await audit(['alice', 'bob'], false, true);
  expect(first.findings).toEqual([finding('MemberMissing', {
    userId: 'bob',
    healed: false,
    notHealedBecause: 'still leaving the group (REMOVAL_IN_PROGRESS), which FinSpace must finish first: the next audit adds it back',
  })]);
  admin.settle();
  const second = await audit(['alice', 'bob'], false, true);
  expect(second.findings).toEqual([finding('MemberMissing', { userId: 'bob', healed: true })]);
  world.clock.advance(1_000);
  expect(memberIds()).toEqual(['alice', 'bob']);
});

test('healing never takes ManageUsersAndGroups from the handler\'s own user: the group\'s drift is reported, not healed', async () => {
  // Someone granted the declared group ManageUsersAndGroups, and the handler's user
  // (no superuser) now gets the permission from this group alone.
  const seed = seedWith(['alice']);
  const environment = seed.environments![0];
  const automation = environment.users!.find(u => u.userId === HANDLER_USER)!;
  world = await startWorld({
    seed: {
      ...seed,
      environments: [{
        ...environment,
        users: [{ ...automation, type: 'APP_USER', apiAccessPrincipalArn: ROLE_ARN }, ...environment.users!.filter(u => u !== automation)],
        permissionGroups: [{
          permissionGroupId: 'pgdeclared',
          name: 'renamed',
          description: 'Analysts',
          applicationPermissions: ['CreateDataset', 'ManageUsersAndGroups'],
          members: [HANDLER_USER, 'alice'],
        }],
      }],
    },
  });
  groupId = 'pgdeclared';
  world.stackStatus = 'UPDATE_COMPLETE';
  const result = await audit(['alice'], false, true);
  const refusal = 'refused: removing ManageUsersAndGroups from permission group pgdeclared would take ManageUsersAndGroups from FinSpace user automation, ' +
    'which this handler acts as and which no other group grants it; every later change, rollback and delete would then fail with AccessDenied. ' +
    'First grant the user ManageUsersAndGroups through another group (or make it a superuser).';
  expect(result.findings).toEqual([
    finding('GroupRenamed', { healed: false, notHealedBecause: refusal }),
    finding('PermissionsChanged', { permissionsAdded: ['ManageUsersAndGroups'], permissionsRemoved: [], healed: false, notHealedBecause: refusal }),
  ]);
  expect(world.writes()).toEqual([]);
});

test('a declared user that FinSpace refuses is reported as not healed, with the deploy\'s reason', async () => {
  await deployed(['alice'], false);
  const result = await audit(['alice', 'ghost'], false, true);
  expect(result.findings).toEqual([finding('MemberMissing', {
    userId: 'ghost',
    healed: false,
    notHealedBecause: `FinSpace refused 1 of 2 declared users of permission group ${groupId}: 'ghost' does not exist. ` +
      'Create or enable these users in FinSpace, or remove them from the declaration.',
  })]);
});

test('a resource whose deploy-time value is missing is not compared, and says so', async () => {
  await deployed(['alice'], false);
  const result = await runAudit({ stackId: STACK_ID, deployTimeValues: [] }, declaredResources(['alice'], false),
    invocationContext(world.context(), 'onEvent'), 'test-run');
  expect(result).toMatchObject({ audited: true, findings: [], notCompared: ['Analysts', 'AnalystsMembers'] });
});
