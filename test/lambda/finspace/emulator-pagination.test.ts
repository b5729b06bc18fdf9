/**
 * Both list operations of the client paged past the 100-item maximum over real HTTP, with
 * the emulator's opaque tokens.
 */
import { baseSeed, clientOf, ENVIRONMENT_ID, startEmulator } from './support/world';
import { listAllPermissionGroupsByUser, listAllUsersByPermissionGroup, paginate, type ListOperation } from '../../../lambda/finspace';
import type { FinSpaceEmulator } from '../../../local/emulator';

const COUNT = 205;
const ids = (prefix: string) => Array.from({ length: COUNT }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
const USERS = ids('user');
const GROUPS = ids('group');
const BIG_GROUP = 'bigGroup';
const JOINER = 'joiner';

let emulator: FinSpaceEmulator;
beforeAll(async () => {
  const seed = baseSeed();
  emulator = await startEmulator({
    seed: {
      ...seed,
      environments: [
        {
          environmentId: ENVIRONMENT_ID,
          users: [
            ...(seed.environments?.[0].users ?? []),
            ...[...USERS, JOINER].map((userId) => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
          ],
          permissionGroups: [
            { permissionGroupId: BIG_GROUP, name: 'everyone', applicationPermissions: [], members: USERS },
            ...GROUPS.map((permissionGroupId) => ({
              permissionGroupId,
              name: `name of ${permissionGroupId}`,
              applicationPermissions: ['ViewAuditData'],
              members: [JOINER],
            })),
          ],
        },
      ],
    },
  });
});
beforeEach(() => emulator.resetCalls());
afterAll(() => emulator.stop());

const requestsFor = (operation: ListOperation) => emulator.calls.filter((call) => call.operation === operation);

test('ListUsersByPermissionGroup', async () => {
  const members = await listAllUsersByPermissionGroup(clientOf(emulator), BIG_GROUP);
  expect(members.map((user) => user.userId).sort()).toEqual(USERS);
  expect(members.every((user) => user.membershipStatus === 'ADDITION_SUCCESS')).toBe(true);
  expect(requestsFor('ListUsersByPermissionGroup')).toHaveLength(3);
});

test('ListPermissionGroupsByUser', async () => {
  const groups = await listAllPermissionGroupsByUser(clientOf(emulator), JOINER);
  expect(groups.map((group) => group.permissionGroupId).sort()).toEqual(GROUPS);
  expect(requestsFor('ListPermissionGroupsByUser')).toHaveLength(3);
});

test('pages follow the requested size and can be consumed lazily', async () => {
  const pageSizes = [];
  for await (const page of paginate(clientOf(emulator), 'ListUsersByPermissionGroup', { permissionGroupId: BIG_GROUP, maxResults: 50 })) {
    pageSizes.push(page.users?.length);
    if (pageSizes.length === 2) break;
  }
  expect(pageSizes).toEqual([50, 50]);
  expect(requestsFor('ListUsersByPermissionGroup')).toHaveLength(2);
});
