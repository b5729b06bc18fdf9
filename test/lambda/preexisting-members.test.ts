/**
 * The record of members found already present, through the real handler against the
 * emulator, with an in-memory Parameter Store that can stop answering: what a rollback
 * keeps, and what happens when the record cannot be written or read.
 */
import { handle } from '../../lambda';
import { cfnEvent, ENV, GROUP_MEMBERSHIP, groupProps, membershipProps, membersOf, PERMISSION_GROUP, seedWith, startWorld, World } from './support/handler-world';
import type { Parameter, ParameterStore } from '../../lambda/parameter-store';
import type { IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';

const PATH = '/finspace-data-access/Handler/preexisting-members';

/** Parameter Store in memory; `down` makes every call fail as an outage would. */
class MemoryStore implements ParameterStore {
  readonly parameters = new Map<string, string>();
  down = false;
  async parametersUnder(path: string): Promise<Parameter[]> {
    this.check();
    return [...this.parameters].filter(([name]) => name.startsWith(`${path}/`)).map(([name, value]) => ({ name, value }));
  }
  async put(parameter: Parameter): Promise<void> {
    this.check();
    this.parameters.set(parameter.name, parameter.value);
  }
  async delete(names: readonly string[]): Promise<void> {
    this.check();
    names.forEach(name => this.parameters.delete(name));
  }
  private check() {
    if (this.down) throw Object.assign(new Error('Parameter Store PutParameter failed: InternalServerError'), { name: 'InternalServerError' });
  }
}

let world: World;
let store: MemoryStore;
let groupId: string;
beforeEach(async () => {
  store = new MemoryStore();
  world = await startWorld({ seed: seedWith(['alice', 'bob', 'carol']), settings: { preexistingMembersPath: PATH }, parameterStore: store });
  groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['bob'])));
  // alice joins outside CloudFormation.
  await world.context().clientFor(ENV).associateUserToPermissionGroup({ permissionGroupId: groupId, userId: 'alice' });
});
afterEach(() => world.stop());

const physicalResourceId = () => `${groupId}/abcd1234/0`;
/** The failed deploy declares alice, already there, and carol. */
const forward = () => cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob', 'carol']), {
  old: membershipProps(groupId, ['bob']), physicalResourceId: physicalResourceId(),
});
const rollback = () => cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, ['bob']), {
  old: membershipProps(groupId, ['alice', 'bob', 'carol']), physicalResourceId: physicalResourceId(),
});
const members = () => membersOf(world.emulator, groupId).map(([userId]) => userId);
const logged = (message: string) => world.logs.map(line => JSON.parse(line)).filter(line => line.message === message);

test('the rollback keeps the member the failed deploy found, and removes the one it added', async () => {
  await world.deploy(forward());
  expect(members()).toEqual(['alice', 'bob', 'carol']);

  world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
  await world.deploy(rollback());

  expect(members()).toEqual(['alice', 'bob']);
  expect(logged('users the failed deploy found already present stay')).toEqual([
    { message: 'users the failed deploy found already present stay', logicalResourceId: 'Resource', permissionGroupId: groupId, userIds: ['alice'], count: 1 },
  ]);
});

test('an update that is no rollback removes what it drops, record or not', async () => {
  await world.deploy(forward());
  world.stackStatus = 'UPDATE_IN_PROGRESS';
  await world.deploy(rollback());
  expect(members()).toEqual(['bob']);
});

test('a record Parameter Store did not take: the deploy goes on and says so; its rollback removes the member as declared', async () => {
  store.down = true;
  await world.deploy(forward());
  expect(members()).toEqual(['alice', 'bob', 'carol']);
  expect(logged('could not record the declared users found already present: should this deploy fail, its rollback removes them')).toEqual([{
    message: 'could not record the declared users found already present: should this deploy fail, its rollback removes them',
    logicalResourceId: 'Resource',
    permissionGroupId: groupId,
    count: 1,
    error: 'InternalServerError',
  }]);

  store.down = false;
  world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
  await world.deploy(rollback());
  expect(members()).toEqual(['bob']);
});

test('a record Parameter Store cannot read at rollback: the rollback succeeds, removes as declared, and says so', async () => {
  await world.deploy(forward());
  store.down = true;
  world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
  await world.deploy(rollback());
  expect(members()).toEqual(['bob']);
  expect(logged('could not read which users the failed deploy found already present; the rollback removes them as the declaration says')).toHaveLength(1);
});

test('a record left by an earlier declaration spares nobody', async () => {
  await world.deploy(forward());
  // Parameter Store fails through two later deploys, which leave alice's record of the first one.
  store.down = true;
  await world.deploy(rollback());
  expect(members()).toEqual(['bob']);
  const addsAlice = membershipProps(groupId, ['alice', 'bob']);
  await world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, addsAlice, { old: membershipProps(groupId, ['bob']), physicalResourceId: physicalResourceId() }));
  store.down = false;

  world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
  await world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, ['bob']), { old: addsAlice, physicalResourceId: physicalResourceId() }));
  expect(members()).toEqual(['bob']);
});

describe('onEvent meets a FinSpace outage: the first poll that lists the group records', () => {
  async function play(event: OnEventRequest, whilePolling: () => void = () => undefined) {
    world.emulator.setFaults({ seed: 1, serverErrorRate: 1 });
    const answer = await handle<OnEventResponse>(event, world.context(), 'onEvent');
    world.emulator.setFaults(undefined);
    whilePolling();
    for (let polls = 1; polls < 100; polls++) {
      const poll = await handle<IsCompleteResponse>({ ...event, ...answer } as OnEventRequest, world.context(), 'isComplete');
      if (poll.IsComplete) return { answer, polls };
      world.clock.advance(5_000);
      if (polls === 3) store.down = false;
    }
    throw new Error('never complete');
  }

  test('and the rollback keeps the member found', async () => {
    const { answer } = await play(forward());
    expect(answer).toMatchObject({ Preexisting: 'pending' });
    world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    await world.deploy(rollback());
    expect(members()).toEqual(['alice', 'bob']);
  });

  test('a poll that cannot record writes nothing, so a later poll never takes an addition of this event for a member found', async () => {
    world.emulator.resetCalls();
    const { polls } = await play(forward(), () => { store.down = true; });
    expect(polls).toBeGreaterThan(3);
    expect(logged('could not record the declared users found already present; this poll changes nothing')).toHaveLength(3);
    expect(world.writes()).toEqual(['AssociateUserToPermissionGroup']);
    world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    await world.deploy(rollback());
    expect(members()).toEqual(['alice', 'bob']);
  });
});

test('the delete of a membership forgets its record', async () => {
  await world.deploy(forward());
  expect([...store.parameters.keys()]).toEqual([`${PATH}/Resource/0`]);
  world.stackStatus = 'DELETE_IN_PROGRESS';
  await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob', 'carol']), { physicalResourceId: physicalResourceId() }));
  expect(members()).toEqual([]);
  expect(store.parameters.size).toBe(0);
});
