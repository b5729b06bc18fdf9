/**
 * How often the membership lifecycle lists the environment's users (ListUsers) to
 * resolve members declared by e-mail: once in onEvent; a poll resolves from its
 * listing of the group, and lists the users only for an address it must add that is
 * not among the members, at most once per invocation however many rounds it waits.
 * Real handler over HTTP against the emulator, on a simulated clock.
 */
import { handle } from '../../lambda';
import { cfnEvent, ENV, GROUP_MEMBERSHIP, membershipProps, membersOf, PERMISSION_GROUP, groupProps, seedWith, startWorld, World } from './support/handler-world';
import { declaredMembersOf } from '../../contract/declared-members';
import { emailMemberKey } from '../../contract/finspace-users';
import type { HandlerSettings } from '../../lambda/handler-context';
import type { IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';

const USERS = ['alice', 'bob', 'carol', 'erin'];
let world: World;
let groupId: string;

async function start(settings: Partial<HandlerSettings> = {}) {
  world = await startWorld({ seed: seedWith(USERS), settings });
  groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  world.emulator.resetCalls();
}
afterEach(() => world?.stop());

const count = (operation: string) => world.emulator.calls.filter(call => call.operation === operation).length;
const settledMembers = (...userIds: string[]) => userIds.sort().map(u => [u, 'ADDITION_SUCCESS']);
/** The stack's declared members of group g1: member key (a user id, or an address's key) to the resource that declares it. */
const declared = (users: Record<string, string>) => declaredMembersOf({ groups: { g1: { environment: 0, users } } }, [ENV]);

test('a create lists the users once: its polls find the addresses in the listing of the group', async () => {
  await start();
  await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['bob'], { Emails: ['Alice@Example.com', 'carol@example.com'] })));
  expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob', 'carol'));
  expect(count('ListUsers')).toBe(1);
  // onEvent's listing of the group, and the poll's, which waited through several rounds.
  expect(count('ListUsersByPermissionGroup')).toBeGreaterThan(2);
});

test('an update and a delete list the users once each, whatever the polls remove', async () => {
  await start();
  await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, [], { Emails: ['alice@example.com', 'bob@example.com'] })));
  world.emulator.resetCalls();
  const physicalResourceId = `${groupId}/abcd1234/0`;
  await world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, [], { Emails: ['bob@example.com', 'carol@example.com'] }), {
    old: membershipProps(groupId, [], { Emails: ['alice@example.com', 'bob@example.com'] }),
    physicalResourceId,
  }));
  expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('bob', 'carol'));
  expect(count('ListUsers')).toBe(1);
  expect(count('ListUsersByPermissionGroup')).toBeGreaterThan(2);

  world.emulator.resetCalls();
  await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(groupId, [], { Emails: ['bob@example.com', 'carol@example.com'] }), {
    physicalResourceId,
  }));
  expect(membersOf(world.emulator, groupId)).toEqual([]);
  expect(count('ListUsers')).toBe(1);
  expect(count('ListUsersByPermissionGroup')).toBeGreaterThan(2);
});

test('when onEvent met an outage, the first poll lists the users for the addresses it adds, once', async () => {
  await start();
  const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, [], { Emails: ['alice@example.com', 'bob@example.com'] }));
  world.emulator.setFaults({ seed: 1, serverErrorRate: 1, operations: ['ListUsersByPermissionGroup'] });
  const answer = await handle<OnEventResponse>(event, world.context(), 'onEvent');
  world.emulator.setFaults(undefined);
  expect(count('ListUsers')).toBe(1);
  world.emulator.resetCalls();

  const poll = await handle<IsCompleteResponse>({ ...event, ...answer } as OnEventRequest, world.context(), 'isComplete');
  expect(poll).toEqual({ IsComplete: true });
  expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob'));
  expect(count('ListUsers')).toBe(1);
  // The round that added them, and at least one that saw them settle.
  expect(count('ListUsersByPermissionGroup')).toBeGreaterThan(1);
});

test('a poll that needs the users lists them once per invocation, however many rounds it waits', async () => {
  // Another membership of the group declares an address that names no user: a membership
  // that stops being exclusive puts back what the others declare, so each round must
  // resolve that address, and the listing of the group never has it.
  await start({ declaredMembers: declared({ alice: 'abcd1234/0', carol: 'abcd1234/0', [emailMemberKey('ghost@example.com')]: 'other000/0' }) });
  await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice'], { GroupKey: 'g1', Exclusive: 'true' })));
  world.emulator.resetCalls();
  const result = await world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'carol'], { GroupKey: 'g1' }), {
    old: membershipProps(groupId, ['alice'], { GroupKey: 'g1', Exclusive: 'true' }),
    physicalResourceId: `${groupId}/abcd1234/0`,
  }));
  expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'carol'));
  // onEvent's, and one per isComplete invocation; each invocation listed the group in several rounds.
  expect(count('ListUsers')).toBe(1 + result.polls);
  expect(count('ListUsersByPermissionGroup')).toBeGreaterThan(1 + result.polls);
});

test('an exclusive sweep leaves a member another resource declares by e-mail, known by the address the listing carries', async () => {
  await start({ declaredMembers: declared({ alice: 'abcd1234/0', [emailMemberKey('Bob@example.com')]: 'other000/0' }) });
  const client = world.context().clientFor(ENV);
  for (const userId of ['bob', 'erin']) await client.associateUserToPermissionGroup({ permissionGroupId: groupId, userId });
  world.emulator.resetCalls();
  await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice'], { GroupKey: 'g1', Exclusive: 'true' })));
  expect(membersOf(world.emulator, groupId)).toEqual(settledMembers('alice', 'bob'));
  expect(count('ListUsers')).toBe(1);
  expect(count('ListUsersByPermissionGroup')).toBeGreaterThan(2);
});
