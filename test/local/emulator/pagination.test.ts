/**
 * Pagination beyond one page (the model caps maxResults at 100) with opaque
 * tokens bound to the listing they came from.
 */
import { deleteGroup, errorOf } from './support/api';
import { ENV, IAM, World, startWorld } from './support/fixtures';
import { FinSpaceEmulator } from '../../../local/emulator';
import { ApiRequest, ApiResponse, SignedClient } from '../../../local/emulator/signed-client';

const MANY = 150;
const numbered = (prefix: string) => Array.from({ length: MANY }, (_, index) => `${prefix}${String(index).padStart(3, '0')}`);
const manyUsers = numbered('user');
const manyGroups = numbered('grp');

let world: World;
let admin: SignedClient;

beforeAll(async () => {
  world = await startWorld();
  // 150 users, all in group 'grp000'; user000 is in all 150 groups.
  world.emulator.seed({
    environments: [
      {
        environmentId: ENV,
        users: manyUsers.map((userId) => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.org` })),
        permissionGroups: manyGroups.map((permissionGroupId, index) => ({
          permissionGroupId,
          name: `group ${permissionGroupId}`,
          applicationPermissions: [],
          members: index === 0 ? manyUsers : ['user000'],
        })),
      },
    ],
  });
  admin = await world.session(IAM.admin);
});

afterAll(() => world.emulator.stop());

/** Follows nextToken to the end; returns the ids in order and the tokens seen. */
async function listAll(request: ApiRequest, itemsKey: string, idKey: string, maxResults: number): Promise<{ ids: string[]; pages: ApiResponse[] }> {
  const ids: string[] = [];
  const pages: ApiResponse[] = [];
  let nextToken: string | undefined;
  do {
    const page = await admin.send({ ...request, query: { ...request.query, maxResults, nextToken } });
    expect(page.status).toBe(200);
    pages.push(page);
    ids.push(...page.body[itemsKey].map((item: Record<string, string>) => item[idKey]));
    nextToken = page.body.nextToken;
  } while (nextToken !== undefined);
  return { ids, pages };
}

test('ListPermissionGroups: 100 per page, in creation order, no item twice or missed', async () => {
  const { ids, pages } = await listAll({ method: 'GET', path: '/permission-group' }, 'permissionGroups', 'permissionGroupId', 100);
  expect(pages.map((page) => page.body.permissionGroups.length)).toEqual([100, 52]);
  expect(ids).toEqual(['grpManagers', 'grpReaders', ...manyGroups]);
});

test('ListUsers pages with a small maxResults too', async () => {
  const { ids, pages } = await listAll({ method: 'GET', path: '/user' }, 'users', 'userId', 40);
  expect(pages).toHaveLength(Math.ceil((MANY + 10) / 40));
  expect(ids).toHaveLength(MANY + 10);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.slice(10)).toEqual(manyUsers);
});

test('ListUsersByPermissionGroup pages through more than 100 members', async () => {
  const { ids, pages } = await listAll({ method: 'GET', path: '/permission-group/grp000/users' }, 'users', 'userId', 100);
  expect(pages).toHaveLength(2);
  expect(ids).toEqual(manyUsers);
});

test('ListPermissionGroupsByUser pages through more than 100 groups', async () => {
  const { ids, pages } = await listAll({ method: 'GET', path: '/user/user000/permission-groups' }, 'permissionGroups', 'permissionGroupId', 100);
  expect(pages).toHaveLength(2);
  expect(ids).toEqual(manyGroups);
});

test('a page that ends the listing has no nextToken', async () => {
  const page = await admin.send({ method: 'GET', path: '/permission-group/grp000/users', query: { maxResults: 100 } });
  const last = await admin.send({ method: 'GET', path: '/permission-group/grp000/users', query: { maxResults: 50, nextToken: page.body.nextToken } });
  expect(last.body.users).toHaveLength(50);
  expect(last.body.nextToken).toBeUndefined();
});

describe('tokens are opaque and bound to their listing', () => {
  let token: string;

  beforeAll(async () => {
    token = (await admin.send({ method: 'GET', path: '/permission-group', query: { maxResults: 10 } })).body.nextToken;
  });

  const INVALID = {
    status: 400,
    type: 'ValidationException',
    body: { message: 'The nextToken is not valid for this request.', reason: 'INVALID_PAGINATION_TOKEN' },
  };

  test('a token reveals no position', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(token, 'base64url').toString('latin1');
    expect(() => JSON.parse(decoded)).toThrow();
    expect(decoded).not.toMatch(/after|grpReaders|grp007/);
  });

  test('two tokens for the same position differ', async () => {
    const again = (await admin.send({ method: 'GET', path: '/permission-group', query: { maxResults: 10 } })).body.nextToken;
    expect(again).not.toBe(token);
  });

  test('a token of another operation is refused', async () => {
    const response = await admin.send({ method: 'GET', path: '/user', query: { maxResults: 10, nextToken: token } });
    expect(errorOf(response)).toEqual(INVALID);
  });

  test('a token of another group is refused', async () => {
    const groupToken = (await admin.send({ method: 'GET', path: '/permission-group/grp000/users', query: { maxResults: 10 } })).body.nextToken;
    expect(groupToken).toBeDefined();
    const response = await admin.send({ method: 'GET', path: '/permission-group/grp001/users', query: { maxResults: 10, nextToken: groupToken } });
    expect(errorOf(response)).toEqual(INVALID);
  });

  test('a changed or made-up token is refused', async () => {
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (const nextToken of [flipped, 'abc', '']) {
      const response = await admin.send({ method: 'GET', path: '/permission-group', query: { maxResults: 10, nextToken } });
      expect(errorOf(response)).toEqual(INVALID);
    }
  });

  test('a token from another emulator is refused', async () => {
    const other = await FinSpaceEmulator.start({ seed: { ...standardSeedForOther() } });
    try {
      const otherAdmin = await new SignedClient(other.endpoint, IAM.admin).vendCredentials(ENV);
      const client = new SignedClient(other.endpoint, otherAdmin);
      const response = await client.send({ method: 'GET', path: '/permission-group', query: { maxResults: 10, nextToken: token } });
      expect(errorOf(response)).toEqual(INVALID);
    } finally {
      await other.stop();
    }
  });
});

test('items deleted between pages do not make the listing skip others', async () => {
  const first = await admin.send({ method: 'GET', path: '/permission-group', query: { maxResults: 5 } });
  const shown = first.body.permissionGroups.map((group: { permissionGroupId: string }) => group.permissionGroupId);
  expect(shown).toEqual(['grpManagers', 'grpReaders', 'grp000', 'grp001', 'grp002']);
  world.emulator.setBehaviour({ deleteGroupWithMembers: 'allowed' });
  expect((await deleteGroup(admin, 'grp001')).status).toBe(200);
  const second = await admin.send({ method: 'GET', path: '/permission-group', query: { maxResults: 2, nextToken: first.body.nextToken } });
  expect(second.body.permissionGroups.map((group: { permissionGroupId: string }) => group.permissionGroupId)).toEqual(['grp003', 'grp004']);
});

function standardSeedForOther() {
  return {
    iamPrincipals: [{ ...IAM.admin }],
    environments: [
      {
        environmentId: ENV,
        users: [{ userId: 'admin', type: 'SUPER_USER' as const, emailAddress: 'admin@example.com', apiAccess: 'ENABLED' as const, apiAccessPrincipalArn: IAM.admin.roleArn }],
      },
    ],
  };
}
