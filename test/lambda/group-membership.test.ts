/**
 * The membership lifecycle, run through the real handler over HTTP against the
 * emulator with non-zero settle delays.
 */
import { handle } from '../../lambda';
import { cfnEvent, ENV, GROUP_MEMBERSHIP, HANDLER_USER, membershipProps, membersOf, PERMISSION_GROUP, groupProps, seedWith, startWorld, World } from './support/handler-world';
import { declaredMembersOf, type DeclaredMembers } from '../../contract/declared-members';
import { shardOf } from '../../contract/membership-shards';
import type { IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';
import type { EmulatorBehaviour } from '../../local/emulator';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
let world: World;
let groupId: string;

async function start(behaviour: Partial<EmulatorBehaviour> = {}, settings = {}) {
  world = await startWorld({ seed: seedWith(USERS), behaviour, settings });
  groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  world.emulator.resetCalls();
}
afterEach(() => world?.stop());

const create = (userIds: string[], overrides = {}, extra = {}) =>
  world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, userIds, overrides), extra));
const update = (userIds: string[], oldUserIds: string[], overrides = {}, oldOverrides = overrides) =>
  world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, userIds, overrides), {
    old: membershipProps(groupId, oldUserIds, oldOverrides),
    physicalResourceId: `${groupId}/abcd1234/0`,
  }));
const associate = (userId: string) => world.context().clientFor(ENV).associateUserToPermissionGroup({ permissionGroupId: groupId, userId });
const disassociate = (userId: string) => world.context().clientFor(ENV).disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId });
const writes = () => world.emulator.calls
  .filter(c => c.operation.endsWith('PermissionGroup') && !c.operation.startsWith('List') && !c.operation.startsWith('Get'))
  .map(c => `${c.operation === 'AssociateUserToPermissionGroup' ? 'add' : 'remove'}`);
/** The stack's declared members: group g1 in `environment`, the given users and resources. */
const declaredIn = (environment: string, users: Record<string, string>) =>
  declaredMembersOf({ groups: { g1: { environment: 0, users } } }, [environment]);
const settledMembers = (...userIds: string[]) => userIds.sort().map(u => [u, 'ADDITION_SUCCESS']);

describe('create', () => {
  beforeEach(() => start());

  test('associates every declared user and waits through ADDITION_IN_PROGRESS to ADDITION_SUCCESS', async () => {
    const result = await create(['alice', 'bob', 'carol']);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob', 'carol'));
    expect(result.physicalResourceId).toBe(`${groupId}/abcd1234/0`);
    expect(result.data).toEqual({ PermissionGroupId: groupId, Members: 3 });
    // The first isComplete waited through the settling itself, listing the group again after each pause.
    expect(result.polls).toBe(1);
    expect(writes()).toEqual(['add', 'add', 'add']);
    // One listing per check, never a call per user.
    const lists = world.emulator.calls.filter(c => c.operation === 'ListUsersByPermissionGroup').length;
    expect(lists).toBeGreaterThan(2);
    expect(world.emulator.calls.filter(c => c.operation === 'ListPermissionGroupsByUser')).toEqual([]);
  });

  test('the same event delivered twice adds each user once', async () => {
    const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob']));
    await world.onEvent(event);
    await world.onEvent(event);
    expect(membersOf(world.emulator, groupId).map(([u]) => u)).toEqual(['alice', 'bob']);
  });

  test('a user that does not exist fails with a reason naming it, and undoes what the create added', async () => {
    await expect(create(['alice', 'ghost', 'bob'], {}, { logicalResourceId: 'Members' })).rejects.toThrow(
      `group membership Members: FinSpace refused 1 of 3 declared users of permission group ${groupId}: 'ghost' does not exist. ` +
      'Create or enable these users in FinSpace, or remove them from the declaration.');
    expect(membersOf(world.emulator, groupId).map(([u, s]) => [u, s])).toEqual([['alice', 'REMOVAL_IN_PROGRESS'], ['bob', 'REMOVAL_IN_PROGRESS']]);
  });

  test('a group that does not exist fails clearly', async () => {
    groupId = 'nosuchgroup';
    await expect(create(['alice'], {}, { logicalResourceId: 'Members' })).rejects.toThrow(
      `group membership Members: permission group nosuchgroup does not exist in FinSpace environment ${ENV}. ` +
      'If it was deleted outside CloudFormation, change the PermissionGroup (its description, say) in the next deploy so that it is created again.');
  });
});

describe('a group deleted outside CloudFormation, then a deploy that changes only its members', () => {
  beforeEach(async () => {
    await start();
    // FinSpace deletes only a group without members: whoever deleted it removed them first.
    await world.context().clientFor(ENV).deletePermissionGroup({ permissionGroupId: groupId });
    world.emulator.resetCalls();
  });
  const MISSING_GROUP_REASON = () => `group membership Resource: permission group ${groupId} does not exist in FinSpace environment ${ENV}. ` +
    'If it was deleted outside CloudFormation, change the PermissionGroup (its description, say) in the next deploy so that it is created again.';
  /** The rollback of update(['alice', 'bob', 'carol'], ['alice', 'bob']): the same resource updated back. */
  const rollback = () => update(['alice', 'bob'], ['alice', 'bob', 'carol']);

  test('the deploy fails with a reason that says to recreate the group', async () => {
    world.stackStatus = 'UPDATE_IN_PROGRESS';
    await expect(update(['alice', 'bob', 'carol'], ['alice', 'bob'])).rejects.toThrow(MISSING_GROUP_REASON());
    expect(writes()).toEqual([]);
  });

  test('its rollback succeeds without a write, and says why', async () => {
    world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const result = await rollback();
    expect(result.physicalResourceId).toBe(`${groupId}/abcd1234/0`);
    expect(writes()).toEqual([]);
    expect(world.logs.map(line => JSON.parse(line)).filter(line => line.message.startsWith('permission group gone'))).toEqual([{
      message: 'permission group gone during a rollback: no members to put back',
      logicalResourceId: 'Resource',
      permissionGroupId: groupId,
    }]);
  });

  test('when CloudFormation does not tell the stack status, the rollback fails as the deploy did', async () => {
    world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const event = cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob']), {
      old: membershipProps(groupId, ['alice', 'bob', 'carol']),
      physicalResourceId: `${groupId}/abcd1234/0`,
    });
    const unanswered = async () => {
      throw Object.assign(new Error('DescribeStacks of the handler\'s own stack failed: AccessDenied'), { name: 'StackStatusUnavailable' });
    };
    await expect(handle(event, world.context({ stackStatus: unanswered }), 'onEvent')).rejects.toThrow(MISSING_GROUP_REASON());
    expect(world.logs.map(line => JSON.parse(line)).filter(line => line.message === 'could not read the stack status')).toEqual([{
      message: 'could not read the stack status',
      error: 'StackStatusUnavailable',
      reason: 'DescribeStacks of the handler\'s own stack failed: AccessDenied',
    }]);
  });

  test('a rollback whose onEvent met an outage succeeds at the first poll that finds the group gone', async () => {
    world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const event = cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob']), {
      old: membershipProps(groupId, ['alice', 'bob', 'carol']),
      physicalResourceId: `${groupId}/abcd1234/0`,
    });
    world.emulator.setFaults({ seed: 1, serverErrorRate: 1, operations: ['ListUsersByPermissionGroup'] });
    const answer = await handle<OnEventResponse>(event, world.context(), 'onEvent');
    expect(answer.NothingToDo).toBeUndefined(); // the outage left the work to the polls
    world.emulator.setFaults(undefined);
    const poll = await handle<IsCompleteResponse>({ ...event, ...answer } as OnEventRequest, world.context(), 'isComplete');
    expect(poll).toEqual({ IsComplete: true });
    expect(writes()).toEqual([]);
  });

  test('a Create during a rollback still fails: CloudFormation rolls a created resource back by deleting it', async () => {
    world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    await expect(create(['alice'])).rejects.toThrow(MISSING_GROUP_REASON());
  });
});

describe('update', () => {
  beforeEach(() => start());

  test('adds and removes exactly the difference', async () => {
    await create(['alice', 'bob', 'carol']);
    world.emulator.resetCalls();
    await update(['alice', 'carol', 'dave'], ['alice', 'bob', 'carol']);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'carol', 'dave'));
    const calls = world.emulator.calls.filter(c => c.operation.endsWith('UserToPermissionGroup') || c.operation.endsWith('UserFromPermissionGroup'));
    expect(calls.map(c => c.operation).sort()).toEqual(['AssociateUserToPermissionGroup', 'DisassociateUserFromPermissionGroup']);
  });

  test('with nothing changed makes no write', async () => {
    await create(['alice', 'bob']);
    world.emulator.resetCalls();
    await update(['alice', 'bob'], ['alice', 'bob']);
    expect(writes()).toEqual([]);
  });

  test('in additive mode leaves members that others added alone', async () => {
    await create(['alice']);
    await associate('erin');
    await update(['bob'], ['alice']);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('bob', 'erin'));
  });

  test('in exclusive mode removes every undeclared member, but never the handler\'s own user', async () => {
    await associate(HANDLER_USER);
    await associate('erin');
    await associate('frank');
    await create(['alice'], { Exclusive: 'true' });
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', HANDLER_USER));
    // Members it did not add and the stack does not declare: another owner of the group, maybe.
    expect(world.logs.filter(line => line.includes('keep one owner per group')).map(line => JSON.parse(line).userIds)).toEqual([['erin', 'frank']]);
  });

  test('a declaration that drops the handler\'s own user leaves it a member (removals start from the listing, which shows whose it is)', async () => {
    await create(['alice', HANDLER_USER]);
    world.emulator.resetCalls();
    await update(['alice'], ['alice', HANDLER_USER]);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', HANDLER_USER));
    expect(writes()).toEqual([]);
  });

  test('adds back members removed outside CloudFormation', async () => {
    await create(['alice', 'bob']);
    await disassociate('bob');
    world.clock.advance(60);
    await update(['alice', 'bob'], ['alice', 'bob']);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob'));
  });

  test('to another group is a replacement: members are added there, the old group is left for the Delete', async () => {
    await create(['alice']);
    const other = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'other' })))).physicalResourceId;
    const result = await world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(other, ['alice', 'bob']), {
      old: membershipProps(groupId, ['alice']),
      physicalResourceId: `${groupId}/abcd1234/0`,
    }));
    expect(result.physicalResourceId).toBe(`${other}/abcd1234/0`);
    expect(membersOf(world.emulator, other)).toEqual(settledMembers('alice', 'bob'));
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice'));
  });

  test('users that moved to another resource of a growing membership are left to it', async () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    await create(users);
    // The membership grew past one resource: this one (shard 0 of 2) keeps only its half.
    const kept = users.filter(u => shardOf(u, 2) === 0);
    await update(kept, users, { ShardCount: '2' }, { ShardCount: '1' });
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers(...users));
    const handedOver = users.filter(u => shardOf(u, 2) === 1);
    expect(world.logs).toContain(JSON.stringify({ message: 'users left to the resource that declares them now', userIds: handedOver }));
  });

  test('with the stack\'s declared members, a user dropped in the same deploy that moves it to another resource is removed', async () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const kept = users.filter(u => shardOf(u, 2) === 0);
    const moved = users.filter(u => shardOf(u, 2) === 1);
    const [droppedUser, ...stillDeclared] = moved;
    await world.stop();
    await start({}, {
      declaredMembers: declaredIn(ENV, Object.fromEntries([...kept.map(u => [u, 'abcd1234/0']), ...stillDeclared.map(u => [u, 'abcd1234/1'])])),
    });
    await create(users, { GroupKey: 'g1' });
    await update(kept, users, { ShardCount: '2', GroupKey: 'g1' }, { ShardCount: '1', GroupKey: 'g1' });
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers(...kept, ...stillDeclared));
    expect(droppedUser).toBeDefined();
  });

  test('a membership that stops being exclusive puts back the users other memberships of the group declare', async () => {
    // The rollback of a failed switch to exclusive: the sweep removed bob, whom another membership declares again.
    await world.stop();
    await start({}, { declaredMembers: declaredIn(ENV, { alice: 'abcd1234/0', bob: 'other000/0' }) });
    await create(['alice'], { GroupKey: 'g1', Exclusive: 'true' });
    await update(['alice'], ['alice'], { GroupKey: 'g1', Exclusive: 'false' }, { GroupKey: 'g1', Exclusive: 'true' });
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob'));
  });

  test('a user dropped here that another membership of the group declares now is left to it', async () => {
    await world.stop();
    await start({}, { declaredMembers: declaredIn(ENV, { alice: 'abcd1234/0', bob: 'other000/0' }) });
    await create(['alice', 'bob'], { GroupKey: 'g1' });
    await update(['alice'], ['alice', 'bob'], { GroupKey: 'g1' });
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob'));
  });
});

describe('delete', () => {
  beforeEach(() => start());

  test('removes the declared users, only those, and waits until they are gone', async () => {
    await create(['alice', 'bob']);
    await associate('erin');
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob']), { physicalResourceId: `${groupId}/abcd1234/0` }));
    expect(membersOf(world.emulator, groupId).map(([u]) => u)).toEqual(['erin']);
  });

  test('of an exclusive membership removes only the users it declared', async () => {
    await associate('erin');
    await create(['alice'], { Exclusive: 'true' });
    await associate('frank');
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice'], { Exclusive: 'true' }), { physicalResourceId: `${groupId}/abcd1234/0` }));
    expect(membersOf(world.emulator, groupId).map(([u]) => u)).toEqual(['frank']);
  });

  test('of a group already gone succeeds', async () => {
    await create(['alice']);
    await world.deploy(cfnEvent('Delete', PERMISSION_GROUP, groupProps(), { physicalResourceId: groupId }));
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice']), { physicalResourceId: `${groupId}/abcd1234/0` }));
  });

  test('of a resource that a shrinking membership gave up keeps its users, which the remaining resource declares', async () => {
    const users = ['alice', 'bob', 'carol', 'dave'];
    await world.stop();
    // After the deploy: one resource (abcd1234/0) declares them all.
    await start({}, { declaredMembers: declaredIn(ENV, Object.fromEntries(users.map(u => [u, 'abcd1234/0']))) });
    await create(users, { GroupKey: 'g1' });
    const second = users.filter(u => shardOf(u, 2) === 1);
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, second, { ShardIndex: '1', ShardCount: '2', GroupKey: 'g1' }), {
      physicalResourceId: `${groupId}/abcd1234/1`,
    }));
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers(...users));
  });

  test('of a membership whose users another one of the group declares now (renamed, or handed over) keeps those, removes the rest', async () => {
    await world.stop();
    // After the deploy: membership "late0000" declares bob and carol; alice is declared by none.
    await start({}, { declaredMembers: declaredIn(ENV, { bob: 'late0000/0', carol: 'late0000/0' }) });
    await create(['alice', 'bob'], { GroupKey: 'g1' });
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob'], { GroupKey: 'g1' }), {
      physicalResourceId: `${groupId}/abcd1234/0`,
    }));
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('bob'));
  });

  test('of a membership of a group the deploy moved to another environment removes its users from the group left behind', async () => {
    // After the deploy, construct g1 is a group in another environment, where membership "late0000" declares bob.
    await world.stop();
    await start({}, { declaredMembers: declaredIn('env-elsewhere', { bob: 'late0000/0' }) });
    await create(['alice', 'bob'], { GroupKey: 'g1' });
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob'], { GroupKey: 'g1' }), {
      physicalResourceId: `${groupId}/abcd1234/0`,
    }));
    expect(membersOf(world.emulator, groupId)).toEqual([]);
  });

  test('of an exclusive membership puts back the users the stack\'s other memberships declare for the group', async () => {
    // The rollback of a failed deploy that replaced exclusive membership "early000" (alice, bob) with this one
    // (alice): this one's sweep removed bob, and the rollback deletes it and keeps "early000".
    let index = declaredIn(ENV, { alice: 'late0000/0' }); // the deploy's
    const declaredMembers: DeclaredMembers = {
      declaringResource: (...args) => index.declaringResource(...args),
      declaredUsers: (...args) => index.declaredUsers(...args),
    };
    await world.stop();
    await start({}, { declaredMembers });
    await associate('bob');
    await create(['alice'], { GroupKey: 'g1', Exclusive: 'true', MembershipKey: 'late0000' });
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice'));

    index = declaredIn(ENV, { alice: 'early000/0', bob: 'early000/0' }); // the rollback's

    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice'], { GroupKey: 'g1', Exclusive: 'true', MembershipKey: 'late0000' }), {
      physicalResourceId: `${groupId}/late0000/0`,
    }));
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob'));
  });

  test('when the whole stack is deleted removes its users, which the index names as its own', async () => {
    await world.stop();
    await start({}, { declaredMembers: declaredIn(ENV, { alice: 'abcd1234/0', bob: 'abcd1234/0' }) });
    await create(['alice', 'bob'], { GroupKey: 'g1' });
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob'], { GroupKey: 'g1' }), {
      physicalResourceId: `${groupId}/abcd1234/0`,
    }));
    expect(membersOf(world.emulator, groupId)).toEqual([]);
  });
});

describe('service variants', () => {
  test.each<[string, Partial<EmulatorBehaviour>]>([
    ['associate of an existing member succeeds', { associateExistingMember: 'success' }],
    ['associate of an existing member conflicts', { associateExistingMember: 'conflict' }],
  ])('%s: the declared set is reached', async (_, behaviour) => {
    await start(behaviour);
    await associate('alice');
    const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob']));
    await world.onEvent(event);
    await world.deploy(event);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob'));
  });

  test.each<[string, Partial<EmulatorBehaviour>]>([
    ['not-found', { disassociateNonMember: 'not-found' }],
    ['conflict', { disassociateNonMember: 'conflict' }],
    ['success', { disassociateNonMember: 'success' }],
  ])('disassociate of a non-member answering %s: the delete succeeds', async (_, behaviour) => {
    await start(behaviour);
    await create(['alice', 'bob']);
    await disassociate('bob');
    world.clock.advance(60);
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob']), { physicalResourceId: `${groupId}/abcd1234/0` }));
    expect(membersOf(world.emulator, groupId)).toEqual([]);
  });

  test.each<[string, Partial<EmulatorBehaviour>]>([
    ['conflicts until the removal is over', { associateDuringRemoval: 'conflict', removalDelayMs: 150 }],
    ['re-adds at once', { associateDuringRemoval: 're-add', removalDelayMs: 150 }],
  ])('a declared user still in REMOVAL_IN_PROGRESS, when associate %s, ends a member', async (_, behaviour) => {
    await start(behaviour);
    await create(['alice']);
    await disassociate('alice');
    await update(['alice'], ['alice']);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice'));
  });

  test.each<[string, Partial<EmulatorBehaviour>, string]>([
    ['refused as invalid', { associateDisabledUser: 'validation' }, "'erin' was refused (ValidationException USER_DISABLED: User 'erin' is DISABLED)"],
    ['refused as a conflict', { associateDisabledUser: 'conflict' }, "'erin' was refused (ConflictException USER_DISABLED: User 'erin' is DISABLED)"],
  ])('a disabled user %s fails at once with FinSpace\'s reason, and the create takes back what it added', async (_, behaviour, refusal) => {
    await start(behaviour);
    await world.disableUser('erin');
    const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'erin']), { logicalResourceId: 'Members' });
    // onEvent itself fails: no poll waits for a membership that cannot come.
    await expect(world.onEvent(event)).rejects.toThrow(
      `group membership Members: FinSpace refused 1 of 2 declared users of permission group ${groupId}: ${refusal}. ` +
      'Create or enable these users in FinSpace, or remove them from the declaration.');
    expect(membersOf(world.emulator, groupId)).toEqual([['alice', 'REMOVAL_IN_PROGRESS']]);
  });

  test('a disabled user that the service accepts becomes a member', async () => {
    await start({ associateDisabledUser: 'allowed' });
    await world.disableUser('erin');
    await create(['erin']);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('erin'));
  });
});

describe('timeouts and transient errors', () => {
  test('members stuck in progress fail the deployment with how many and since when', async () => {
    await start({ additionDelayMs: 60_000 }, { timeoutMs: 150 });
    const started = world.clock.now();
    const failure = await create(['alice', 'bob'], {}, { logicalResourceId: 'Members' }).catch(error => error as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(new RegExp(
      '^group membership Members: members did not settle within 0 seconds \\(since (\\S+)\\): ' +
      "2 still not ADDITION_SUCCESS \\('alice', 'bob'\\)\\. FinSpace has not finished these changes; deploy again later, or raise the timeout of FinSpaceDataAccess\\.$"));
    const since = Date.parse(/since (\S+)\)/.exec((failure as Error).message)![1]);
    expect(since).toBeGreaterThanOrEqual(started - 1000);
  });

  test('an exclusive create whose removal of another member FinSpace does not answer leaves it to the polls, which finish it', async () => {
    await start();
    await associate('erin');
    world.emulator.setFaults({ seed: 3, serverErrorRate: 1, operations: ['DisassociateUserFromPermissionGroup'] });
    const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice'], { Exclusive: 'true' }));
    const answer = await world.onEvent(event);
    expect(answer).toMatchObject({ PhysicalResourceId: `${groupId}/abcd1234/0`, Data: { PermissionGroupId: groupId, Members: 1 } });
    expect(answer.WatchedUsers).toBeUndefined();
    world.emulator.setFaults(undefined);
    await world.deploy(event);
    expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice'));
  });

  test('a create that fails takes back what it added, trying again the undos FinSpace did not answer', async () => {
    await start();
    // Seed 3: the first attempts of the undo fail.
    world.emulator.setFaults({ seed: 3, serverErrorRate: 0.9, operations: ['DisassociateUserFromPermissionGroup'] });
    const failure = await create(['alice', 'ghost'], {}, { logicalResourceId: 'Members' }).catch(error => error as Error);
    world.emulator.setFaults(undefined);

    expect((failure as Error).message).toBe(`group membership Members: FinSpace refused 1 of 2 declared users of permission group ${groupId}: ` +
      "'ghost' does not exist. Create or enable these users in FinSpace, or remove them from the declaration.");
    expect(world.logs.some(line => line.includes('FinSpace did not answer some undos; trying them again'))).toBe(true);
    expect(membersOf(world.emulator, groupId)).toEqual([['alice', 'REMOVAL_IN_PROGRESS']]);
  });

  test('throttling inside isComplete past the timeout fails with what FinSpace said', async () => {
    await start();
    const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice']), { logicalResourceId: 'Members' });
    const answer = await world.onEvent(event);
    world.emulator.setFaults({ seed: 7, throttleRate: 1, operations: ['ListUsersByPermissionGroup'] });
    const late = { ...event, ...answer, ReconcileStartedAt: world.clock.now() - world.settings.timeoutMs - 1 };
    await expect(handle(late, world.context(), 'isComplete')).rejects.toThrow(
      'group membership Members: ListUsersByPermissionGroup failed with ThrottlingException: Rate exceeded. FinSpace kept failing after every retry; deploy again later.');
  });

  test('throttling inside isComplete means not yet, not failure', async () => {
    // Longer than the throttled poll keeps trying, so the poll after it still finds alice being added.
    await start({ additionDelayMs: 10 * 60_000 });
    const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice']));
    const answer = await world.onEvent(event);
    world.emulator.setFaults({ seed: 7, throttleRate: 1, operations: ['ListUsersByPermissionGroup'] });
    const poll = await handle<{ IsComplete: boolean }>({ ...event, ...answer }, world.context(), 'isComplete');
    expect(poll).toEqual({ IsComplete: false });
    expect(world.emulator.faultCounts().throttle).toBeGreaterThan(0);
    world.emulator.setFaults(undefined);
    const next = await handle<{ IsComplete: boolean }>({ ...event, ...answer }, world.context(), 'isComplete');
    expect(next).toEqual({ IsComplete: false, MembershipProgress: { adding: 1, removing: 0, waitingToReAdd: 0 } }); // alice is still ADDITION_IN_PROGRESS
  });
});
