/**
 * Paging logic against a scripted sender; the emulator tests cover real
 * listings beyond 100 items for each operation.
 */
import { RequestMetrics } from './support/request-metrics';
import { paginate, type OperationSender } from '../../../lambda/finspace';

/** Answers ListUsersByPermissionGroup with the given pages in turn and records each input. */
function scripted(pages: { users: { userId: string }[]; nextToken?: string }[]) {
  const inputs: Record<string, unknown>[] = [];
  const sender: OperationSender = {
    send: async (_operation, input) => {
      inputs.push({ ...(input as object) });
      const page = pages.shift();
      if (!page) throw new Error('no more pages scripted');
      return page as never;
    },
  };
  return { sender, inputs };
}

test('follows nextToken with the largest page size by default', async () => {
  const { sender, inputs } = scripted([{ users: [{ userId: 'a' }], nextToken: 't1' }, { users: [{ userId: 'b' }] }]);
  const pages = [];
  for await (const page of paginate(sender, 'ListUsersByPermissionGroup', { permissionGroupId: 'g1' })) pages.push(page);
  expect(pages.map((page) => page.users?.map((user) => user.userId))).toEqual([['a'], ['b']]);
  expect(inputs).toEqual([
    { permissionGroupId: 'g1', maxResults: 100, nextToken: undefined },
    { permissionGroupId: 'g1', maxResults: 100, nextToken: 't1' },
  ]);
});

test('passes a smaller page size and other members through', async () => {
  const { sender, inputs } = scripted([{ users: [] }]);
  for await (const _ of paginate(sender, 'ListUsersByPermissionGroup', { permissionGroupId: 'g1', maxResults: 5 })) {
    // draining
  }
  expect(inputs).toEqual([{ permissionGroupId: 'g1', maxResults: 5, nextToken: undefined }]);
});

test('an empty nextToken ends the listing', async () => {
  const { sender, inputs } = scripted([{ users: [], nextToken: '' }]);
  for await (const _ of paginate(sender, 'ListUsersByPermissionGroup', { permissionGroupId: 'g1' })) {
    // draining
  }
  expect(inputs).toHaveLength(1);
});

test('stops with an error when the service repeats a token instead of looping', async () => {
  const { sender } = scripted([
    { users: [], nextToken: 'same' },
    { users: [], nextToken: 'same' },
    { users: [], nextToken: 'same' },
  ]);
  const drain = async () => {
    for await (const _ of paginate(sender, 'ListUsersByPermissionGroup', { permissionGroupId: 'g1' })) {
      // draining
    }
  };
  await expect(drain()).rejects.toThrow('ListUsersByPermissionGroup returned the same nextToken twice');
});

test('RequestMetrics counts per operation and in total', () => {
  const metrics = new RequestMetrics();
  metrics.record('ListUsersByPermissionGroup');
  metrics.record('ListUsersByPermissionGroup');
  metrics.record('GetPermissionGroup');
  expect(metrics.count('ListUsersByPermissionGroup')).toBe(2);
  expect(metrics.count('CreatePermissionGroup')).toBe(0);
  expect(metrics.count()).toBe(3);
  expect(metrics.snapshot()).toEqual({ ListUsersByPermissionGroup: 2, GetPermissionGroup: 1 });
  metrics.reset();
  expect(metrics.count()).toBe(0);
});
