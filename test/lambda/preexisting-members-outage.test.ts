/**
 * The record of members found already present when FinSpace stops answering in the
 * middle of onEvent's listing, after its early additions went through: the poll that
 * makes the record must not count the users this event added as found there, or the
 * rollback keeps them. Through the real handler against the emulator; time simulated.
 */
import { handle } from '../../lambda';
import { cfnEvent, GROUP_MEMBERSHIP, membershipProps, membersOf, seedWith, startWorld, World } from './support/handler-world';
import { FinSpaceDataClient } from '../../lambda/finspace';
import type { ParameterStore, Parameter } from '../../lambda/parameter-store';
import type { IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';

const PATH = '/finspace-data-access/Handler/preexisting-members';
const GROUP_ID = 'crowdgroup0000000000001';
/** Members nobody declares, enough for the listing of the group to take two pages. */
const CROWD = Array.from({ length: 120 }, (_, index) => `crowd${String(index).padStart(3, '0')}`);

class MemoryStore implements ParameterStore {
  readonly parameters = new Map<string, string>();
  async parametersUnder(path: string): Promise<Parameter[]> {
    return [...this.parameters].filter(([name]) => name.startsWith(`${path}/`)).map(([name, value]) => ({ name, value }));
  }
  async put(parameter: Parameter): Promise<void> {
    this.parameters.set(parameter.name, parameter.value);
  }
  async delete(names: readonly string[]): Promise<void> {
    names.forEach(name => this.parameters.delete(name));
  }
}

let world: World;
beforeEach(async () => {
  world = await startWorld({
    // alice joined outside CloudFormation; bob is the membership's.
    seed: seedWith([...CROWD, 'alice', 'bob', 'carol'], {
      permissionGroups: [{ permissionGroupId: GROUP_ID, name: 'crowd', applicationPermissions: ['CreateDataset'], members: [...CROWD, 'alice', 'bob'] }],
    }),
    settings: { preexistingMembersPath: PATH },
    parameterStore: new MemoryStore(),
  });
});
afterEach(() => world.stop());

const physicalResourceId = `${GROUP_ID}/abcd1234/0`;
/** The deploy that fails elsewhere declares alice, already there, and carol, whom it adds. */
const forward = cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(GROUP_ID, ['alice', 'bob', 'carol']), {
  old: membershipProps(GROUP_ID, ['bob']), physicalResourceId,
});
const rollback = cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(GROUP_ID, ['bob']), {
  old: membershipProps(GROUP_ID, ['alice', 'bob', 'carol']), physicalResourceId,
});
const members = () => membersOf(world.emulator, GROUP_ID).map(([userId]) => userId).filter(userId => !userId.startsWith('crowd'));

/**
 * onEvent of `event`, whose listing asks for its second page only once FinSpace has
 * added `userId`. `outage`: FinSpace stops answering then; `answerLost`: the addition's
 * answer never reaches the handler (a connection reset after the write, on every attempt).
 */
async function onEventAfterAdding(event: OnEventRequest, userId: string, then: 'outage' | 'answerLost'): Promise<OnEventResponse> {
  let added!: () => void;
  const addedAnswered = new Promise<void>(resolve => added = resolve);
  const context = world.context();
  const clientFor: typeof context.clientFor = (environmentId, deadlines) => {
    const client = context.clientFor(environmentId, deadlines);
    const send = client.send.bind(client);
    client.send = (async (operation: string, input: Record<string, unknown>) => {
      if (operation === 'ListUsersByPermissionGroup' && input.nextToken) {
        await addedAnswered;
        if (then === 'outage') world.emulator.setFaults({ seed: 1, serverErrorRate: 1 });
      }
      const output = await send(operation as never, input as never);
      if (operation === 'AssociateUserToPermissionGroup' && input.userId === userId) {
        added();
        if (then === 'answerLost') throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
      }
      return output;
    }) as FinSpaceDataClient['send'];
    return client;
  };
  return handle<OnEventResponse>(event, { ...context, clientFor }, 'onEvent');
}

/** The polls of isComplete, once FinSpace answers again, until done. */
async function pollUntilComplete(event: OnEventRequest, answer: OnEventResponse): Promise<void> {
  world.emulator.setFaults(undefined);
  for (;;) {
    const poll = await handle<IsCompleteResponse>({ ...event, ...answer } as OnEventRequest, world.context(), 'isComplete');
    if (poll.IsComplete) return;
    world.clock.advance(5_000);
  }
}

test('an outage during the listing after an early addition: the rollback removes the user this deploy added, and keeps the one found there', async () => {
  const answer = await onEventAfterAdding(forward, 'carol', 'outage');
  // The addition went through before the outage, and onEvent left the record to the polls.
  expect(answer.Preexisting).toBe('pending');
  expect(membersOf(world.emulator, GROUP_ID).find(([userId]) => userId === 'carol')).toBeDefined();

  await pollUntilComplete(forward, answer);
  expect(members()).toEqual(['alice', 'bob', 'carol']);

  world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
  await world.deploy(rollback);

  expect(members()).toEqual(['alice', 'bob']);
});

test('an early addition whose answer was lost, shown by a later page of the listing: the rollback removes the user this deploy added', async () => {
  const answer = await onEventAfterAdding(forward, 'carol', 'answerLost');
  await pollUntilComplete(forward, answer);
  expect(members()).toEqual(['alice', 'bob', 'carol']);

  world.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
  await world.deploy(rollback);

  expect(members()).toEqual(['alice', 'bob']);
});
