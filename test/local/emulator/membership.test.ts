/**
 * Asynchronous membership: the *_IN_PROGRESS states, driven by the injected
 * clock, and every variant of the undocumented membership behaviours.
 */
import { associate, deleteGroup, disassociate, errorOf, memberStatuses, newGroupId } from './support/api';
import { IAM, World, startWorld } from './support/fixtures';
import { EmulatorBehaviour } from '../../../local/emulator';
import { SignedClient } from '../../../local/emulator/signed-client';

let world: World;
let admin: SignedClient;
let groupId: string;

async function setUp(behaviour: Partial<EmulatorBehaviour> = {}): Promise<void> {
  world = await startWorld({ behaviour: { additionDelayMs: 50, removalDelayMs: 80, ...behaviour } });
  admin = await world.session(IAM.admin);
  groupId = await newGroupId(admin, 'traders');
}

afterEach(() => world.emulator.stop());

describe('transitions', () => {
  beforeEach(() => setUp());

  test('an association is ADDITION_IN_PROGRESS for additionDelayMs, then ADDITION_SUCCESS', async () => {
    await associate(admin, groupId, 'alice');
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'ADDITION_IN_PROGRESS' });
    world.clock.advance(49);
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'ADDITION_IN_PROGRESS' });
    world.clock.advance(1);
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'ADDITION_SUCCESS' });
  });

  test('a removal is REMOVAL_IN_PROGRESS for removalDelayMs, then the member is gone', async () => {
    await associate(admin, groupId, 'alice');
    world.clock.advance(50);
    await disassociate(admin, groupId, 'alice');
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'REMOVAL_IN_PROGRESS' });
    world.clock.advance(79);
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'REMOVAL_IN_PROGRESS' });
    world.clock.advance(1);
    expect(await memberStatuses(admin, groupId)).toEqual({});
  });

  test('a user can be removed while still being added', async () => {
    await associate(admin, groupId, 'alice');
    expect((await disassociate(admin, groupId, 'alice')).status).toBe(200);
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'REMOVAL_IN_PROGRESS' });
    world.clock.advance(80);
    expect(await memberStatuses(admin, groupId)).toEqual({});
  });

  test('ListPermissionGroupsByUser shows the same states', async () => {
    await associate(admin, groupId, 'bob');
    const byUser = async () =>
      (await admin.send({ method: 'GET', path: '/user/bob/permission-groups', query: { maxResults: 10 } })).body.permissionGroups;
    expect(await byUser()).toEqual([{ permissionGroupId: groupId, name: 'traders', membershipStatus: 'ADDITION_IN_PROGRESS' }]);
    world.clock.advance(50);
    await disassociate(admin, groupId, 'bob');
    expect(await byUser()).toEqual([{ permissionGroupId: groupId, name: 'traders', membershipStatus: 'REMOVAL_IN_PROGRESS' }]);
    world.clock.advance(80);
    expect(await byUser()).toEqual([]);
  });

  test('the snapshot shows membership states at the emulator clock', async () => {
    await associate(admin, groupId, 'alice');
    const members = () => world.emulator.snapshot().environments[0].permissionGroups.find((group) => group.permissionGroupId === groupId)?.members;
    expect(members()).toEqual([{ userId: 'alice', membershipStatus: 'ADDITION_IN_PROGRESS' }]);
    world.clock.advance(50);
    expect(members()).toEqual([{ userId: 'alice', membershipStatus: 'ADDITION_SUCCESS' }]);
  });

  test('a change of delay applies to later changes, not to ones under way', async () => {
    await associate(admin, groupId, 'alice');
    world.emulator.setBehaviour({ additionDelayMs: 1000 });
    await associate(admin, groupId, 'bob');
    world.clock.advance(50);
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'ADDITION_SUCCESS', bob: 'ADDITION_IN_PROGRESS' });
  });

  test('delays of 0 settle at once', async () => {
    world.emulator.setBehaviour({ additionDelayMs: 0, removalDelayMs: 0 });
    await associate(admin, groupId, 'alice');
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'ADDITION_SUCCESS' });
    await disassociate(admin, groupId, 'alice');
    expect(await memberStatuses(admin, groupId)).toEqual({});
  });

  test('unknown groups and users are ResourceNotFound with a reason', async () => {
    expect(errorOf(await associate(admin, 'grpNowhere', 'alice'))).toEqual({
      status: 404,
      type: 'ResourceNotFoundException',
      body: { message: "Permission group 'grpNowhere' does not exist.", reason: 'PERMISSION_GROUP_NOT_FOUND' },
    });
    expect(errorOf(await associate(admin, groupId, 'zoe'))).toEqual({
      status: 404,
      type: 'ResourceNotFoundException',
      body: { message: "User 'zoe' does not exist.", reason: 'USER_NOT_FOUND' },
    });
  });
});

describe('associateExistingMember', () => {
  test("'conflict' (default): associating a member again is a ConflictException, also while being added", async () => {
    await setUp();
    await associate(admin, groupId, 'alice');
    const expected = {
      status: 409,
      type: 'ConflictException',
      body: { message: `User 'alice' is already a member of permission group '${groupId}'.`, reason: 'USER_ALREADY_IN_GROUP' },
    };
    expect(errorOf(await associate(admin, groupId, 'alice'))).toEqual(expected);
    world.clock.advance(50);
    expect(errorOf(await associate(admin, groupId, 'alice'))).toEqual(expected);
  });

  test("'success': associating a member again succeeds and changes nothing", async () => {
    await setUp({ associateExistingMember: 'success' });
    await associate(admin, groupId, 'alice');
    world.clock.advance(30);
    expect((await associate(admin, groupId, 'alice')).status).toBe(200);
    world.clock.advance(20);
    // Still on the first association's schedule.
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'ADDITION_SUCCESS' });
  });
});

describe('associateDuringRemoval', () => {
  const removeAlice = async () => {
    await associate(admin, groupId, 'alice');
    world.clock.advance(50);
    await disassociate(admin, groupId, 'alice');
  };

  test("'conflict' (default): associating during removal is a ConflictException", async () => {
    await setUp();
    await removeAlice();
    expect(errorOf(await associate(admin, groupId, 'alice'))).toEqual({
      status: 409,
      type: 'ConflictException',
      body: {
        message: `User 'alice' is being removed from permission group '${groupId}'; retry when the removal has finished.`,
        reason: 'MEMBERSHIP_REMOVAL_IN_PROGRESS',
      },
    });
    world.clock.advance(80);
    expect((await associate(admin, groupId, 'alice')).status).toBe(200);
  });

  test("'re-add': associating during removal starts a new addition", async () => {
    await setUp({ associateDuringRemoval: 're-add' });
    await removeAlice();
    expect((await associate(admin, groupId, 'alice')).status).toBe(200);
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'ADDITION_IN_PROGRESS' });
    world.clock.advance(80);
    // The cancelled removal does not take the new membership away.
    expect(await memberStatuses(admin, groupId)).toEqual({ alice: 'ADDITION_SUCCESS' });
  });
});

describe('disassociateNonMember', () => {
  const message = () => `User 'bob' is not a member of permission group '${groupId}'.`;

  test("'not-found' (default): ResourceNotFoundException", async () => {
    await setUp();
    expect(errorOf(await disassociate(admin, groupId, 'bob'))).toEqual({
      status: 404,
      type: 'ResourceNotFoundException',
      body: { message: message(), reason: 'USER_NOT_IN_GROUP' },
    });
  });

  test("'conflict': ConflictException", async () => {
    await setUp({ disassociateNonMember: 'conflict' });
    expect(errorOf(await disassociate(admin, groupId, 'bob'))).toEqual({
      status: 409,
      type: 'ConflictException',
      body: { message: message(), reason: 'USER_NOT_IN_GROUP' },
    });
  });

  test("'success': 200 and nothing changes", async () => {
    await setUp({ disassociateNonMember: 'success' });
    expect((await disassociate(admin, groupId, 'bob')).status).toBe(200);
    expect(await memberStatuses(admin, groupId)).toEqual({});
  });

  test('an unknown user is ResourceNotFound whatever the variant', async () => {
    await setUp({ disassociateNonMember: 'success' });
    expect(errorOf(await disassociate(admin, groupId, 'zoe'))).toMatchObject({ status: 404, body: { reason: 'USER_NOT_FOUND' } });
  });
});

describe('disassociateDuringRemoval', () => {
  test("'conflict' (default): removing again during removal is a ConflictException", async () => {
    await setUp();
    await associate(admin, groupId, 'alice');
    await disassociate(admin, groupId, 'alice');
    expect(errorOf(await disassociate(admin, groupId, 'alice'))).toEqual({
      status: 409,
      type: 'ConflictException',
      body: { message: `User 'alice' is already being removed from permission group '${groupId}'.`, reason: 'MEMBERSHIP_REMOVAL_IN_PROGRESS' },
    });
  });

  test("'success': 200 and the removal keeps its schedule", async () => {
    await setUp({ disassociateDuringRemoval: 'success' });
    await associate(admin, groupId, 'alice');
    await disassociate(admin, groupId, 'alice');
    world.clock.advance(40);
    expect((await disassociate(admin, groupId, 'alice')).status).toBe(200);
    world.clock.advance(40);
    expect(await memberStatuses(admin, groupId)).toEqual({});
  });
});

describe('deleteGroupWithMembers', () => {
  test("'conflict' (default): a group with members, even ones being removed, cannot be deleted", async () => {
    await setUp();
    await associate(admin, groupId, 'alice');
    await disassociate(admin, groupId, 'alice');
    expect(errorOf(await deleteGroup(admin, groupId))).toEqual({
      status: 409,
      type: 'ConflictException',
      body: { message: `Permission group '${groupId}' still has 1 member(s); remove them first.`, reason: 'PERMISSION_GROUP_HAS_MEMBERS' },
    });
    world.clock.advance(80);
    expect((await deleteGroup(admin, groupId)).status).toBe(200);
  });

  test("'allowed': the group and its memberships go", async () => {
    await setUp({ deleteGroupWithMembers: 'allowed' });
    await associate(admin, groupId, 'alice');
    expect((await deleteGroup(admin, groupId)).status).toBe(200);
    const groupsOfAlice = await admin.send({ method: 'GET', path: '/user/alice/permission-groups', query: { maxResults: 10 } });
    expect(groupsOfAlice.body.permissionGroups).toEqual([]);
  });
});

describe.each([
  ['associateDisabledUser', 'carol', "User 'carol' is DISABLED.", 'USER_DISABLED'],
  ['associateCreatingUser', 'dave', "User 'dave' is still being created.", 'USER_CREATING'],
] as const)('%s', (behaviour, userId, message, reason) => {
  test("'allowed' (default): the user is added", async () => {
    await setUp();
    expect((await associate(admin, groupId, userId)).status).toBe(200);
    expect(await memberStatuses(admin, groupId)).toEqual({ [userId]: 'ADDITION_IN_PROGRESS' });
  });

  test("'validation': ValidationException", async () => {
    await setUp({ [behaviour]: 'validation' });
    expect(errorOf(await associate(admin, groupId, userId))).toEqual({ status: 400, type: 'ValidationException', body: { message, reason } });
  });

  test("'conflict': ConflictException", async () => {
    await setUp({ [behaviour]: 'conflict' });
    expect(errorOf(await associate(admin, groupId, userId))).toEqual({ status: 409, type: 'ConflictException', body: { message, reason } });
    expect(await memberStatuses(admin, groupId)).toEqual({});
  });
});

describe('associateSuperUser', () => {
  test("'allowed' (default): a superuser can be added", async () => {
    await setUp();
    expect((await associate(admin, groupId, 'root')).status).toBe(200);
  });

  test("'validation': ValidationException", async () => {
    await setUp({ associateSuperUser: 'validation' });
    expect(errorOf(await associate(admin, groupId, 'root'))).toEqual({
      status: 400,
      type: 'ValidationException',
      body: {
        message: "User 'root' is a superuser, who has every permission and cannot be added to a permission group.",
        reason: 'SUPER_USER_NOT_ALLOWED',
      },
    });
  });
});
