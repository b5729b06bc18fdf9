/**
 * Members declared by e-mail address, by id and as FinSpaceUsers of the stack,
 * deployed with the runner against the emulator: resolved at deploy time with one
 * user listing per event (the polls resolve from their listing of the group),
 * case-insensitively; failures that name no address whole.
 */
import { GroupMembership, FinSpaceUser, PermissionGroup } from '../../lib';
import { appUser, handlerReason, PeopleWorld } from './support/people-world';

// Each deploy runs the real Lambda functions in local containers: seconds, more on a busy machine.
jest.setTimeout(300_000);

const USERS = [
  appUser('alice01', { emailAddress: 'Alice.Smith@example.com' }),
  appUser('bob01', { emailAddress: 'bob.jones@example.com' }),
  appUser('carol01', { emailAddress: 'carol@example.com' }),
  appUser('dave01', { emailAddress: 'dave@example.com', status: 'DISABLED' }),
];

describe('members by e-mail', () => {
  let world: PeopleWorld;
  beforeEach(async () => {
    world = await PeopleWorld.start({ users: USERS, behaviour: { associateDisabledUser: 'allowed' } });
  });
  afterEach(() => world.stop());

  test('mixed with ids and a FinSpaceUser of the stack, through create, update and destroy', async () => {
    const created = await world.deploy((stack, access) => {
      const analysts = new PermissionGroup(stack, 'Analysts', {
        access,
        permissionGroupName: 'analysts',
        members: ['carol01'],
        // Other capitals than FinSpace keeps: the same person.
        memberUsers: [FinSpaceUser.fromEmail('alice.smith@EXAMPLE.com')],
      });
      const erin = new FinSpaceUser(stack, 'Erin', { access, emailAddress: 'erin@example.com', firstName: 'Erin' });
      analysts.addMemberUsers(erin, FinSpaceUser.fromUserId('bob01'));
    });
    expect(created).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    const erinId = world.user('erin@example.com').userId;
    expect(world.members('analysts')).toEqual(['alice01', 'bob01', 'carol01', erinId].sort());
    // One listing of the users per event, however often isComplete lists the group.
    const count = (operation: string) => world.emulator.calls.filter(call => call.operation === operation).length;
    expect(count('ListUsers')).toBe(1);
    expect(count('ListUsersByPermissionGroup')).toBeGreaterThanOrEqual(2);
    world.emulator.resetCalls();

    const updated = await world.deploy((stack, access) => {
      new PermissionGroup(stack, 'Analysts', {
        access,
        permissionGroupName: 'analysts',
        memberUsers: [FinSpaceUser.fromEmail('carol@example.com'), FinSpaceUser.fromEmail('dave@example.com')],
      });
    });
    expect(updated).toEqual({ status: 'UPDATE_COMPLETE', reason: undefined });
    // carol01 moved from an id to her e-mail; the user of the stack left it and was disabled.
    expect(world.members('analysts')).toEqual(['carol01', 'dave01']);
    expect(world.user('erin@example.com').status).toBe('DISABLED');
    expect(world.logs.some(line => line.includes('DISABLED in FinSpace') && line.includes('dave01'))).toBe(true);
    expect(world.logs.filter(line => /[a-z]+@example\.com/i.test(line))).toEqual([]);
    expect(count('ListUsers')).toBe(1);
    expect(count('ListUsersByPermissionGroup')).toBeGreaterThanOrEqual(2);
    world.emulator.resetCalls();

    expect(await world.destroy()).toEqual({ status: 'DELETE_COMPLETE', reason: undefined });
    expect(world.groups()).toEqual([]);
    expect(count('ListUsers')).toBe(1);
  });

  test('unknown addresses fail the deploy with one reason that masks them and names their positions', async () => {
    const failed = await world.deploy((stack, access) => {
      new GroupMembership(stack, 'Members', {
        group: new PermissionGroup(stack, 'Analysts', { access, permissionGroupName: 'analysts' }),
        users: [
          FinSpaceUser.fromEmail('bob.jones@example.com'),
          FinSpaceUser.fromEmail('nobody@example.com'),
          FinSpaceUser.fromEmail('ghost.writer@example.org'),
        ],
      });
    });
    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    expect(handlerReason(failed.reason)).toBe('group membership MembersFEE56442: 2 of 3 declared e-mail addresses name no FinSpace user ' +
      '(#2 n***@example.com, #3 g***@example.org); create these users in FinSpace (a FinSpaceUser, say), or correct the addresses.');
    expect(world.groups()).toEqual([]);
  });

  test('the same person by id and by e-mail is refused at deploy time', async () => {
    const failed = await world.deploy((stack, access) => {
      new PermissionGroup(stack, 'Analysts', {
        access,
        permissionGroupName: 'analysts',
        members: ['bob01'],
        memberUsers: [FinSpaceUser.fromEmail('Bob.Jones@example.com')],
      });
    });
    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    expect(handlerReason(failed.reason)).toBe("group membership AnalystsMembers4A85B9C0: the same user is declared by id and by e-mail: 'bob01' and e-mail #1 B***@example.com; declare each person once.");
    expect(world.groups()).toEqual([]);
  });
});
