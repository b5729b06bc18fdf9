/**
 * Walks the list operations the handler calls page by page (`nextToken`), as an
 * async generator in the style of the SDK's `paginateX` functions, plus helpers
 * that collect every item.
 */
import type * as m from './model';

/** Largest page the model allows: the fewest requests per listing. */
export const DEFAULT_PAGE_SIZE = 100;

export type ListOperation = 'ListPermissionGroups' | 'ListUsers' | 'ListUsersByPermissionGroup' | 'ListPermissionGroupsByUser';

/** Where each page keeps its items. */
const PAGE_ITEMS = {
  ListPermissionGroups: 'permissionGroups',
  ListUsers: 'users',
  ListUsersByPermissionGroup: 'users',
  ListPermissionGroupsByUser: 'permissionGroups',
} as const satisfies { [Op in ListOperation]: keyof m.OperationOutput<Op> };

interface PageItems {
  ListPermissionGroups: m.PermissionGroup;
  ListUsers: m.User;
  ListUsersByPermissionGroup: m.UserByPermissionGroup;
  ListPermissionGroupsByUser: m.PermissionGroupByUser;
}
export type PageItem<Op extends ListOperation> = PageItems[Op];

/** The operation's input without paging state; `maxResults` becomes optional. */
export type PaginationInput<Op extends ListOperation> = Omit<m.OperationInput<Op>, 'nextToken' | 'maxResults'> & {
  readonly maxResults?: number;
};

/** Anything that can send an operation, e.g. FinSpaceDataClient. */
export interface OperationSender {
  send<Op extends m.OperationName>(operation: Op, input: m.OperationInput<Op>): Promise<m.OperationOutput<Op>>;
}

export async function* paginate<Op extends ListOperation>(
  client: OperationSender,
  operation: Op,
  input: PaginationInput<Op>,
): AsyncGenerator<m.OperationOutput<Op>, void, undefined> {
  let nextToken: string | undefined;
  do {
    const pageInput = { ...input, maxResults: input.maxResults ?? DEFAULT_PAGE_SIZE, nextToken };
    const page: m.OperationOutput<Op> = await client.send(operation, pageInput as unknown as m.OperationInput<Op>);
    yield page;
    // A service that hands back the token it was given would loop forever.
    if (page.nextToken !== undefined && page.nextToken === nextToken) {
      throw new Error(`${operation} returned the same nextToken twice; stopping pagination.`);
    }
    nextToken = page.nextToken || undefined;
  } while (nextToken);
}

/** Every item of every page, in order. */
export async function collectAll<Op extends ListOperation>(
  client: OperationSender,
  operation: Op,
  input: PaginationInput<Op>,
): Promise<PageItem<Op>[]> {
  const items: PageItem<Op>[] = [];
  for await (const page of paginate(client, operation, input)) {
    const pageItems = (page as Record<string, unknown>)[PAGE_ITEMS[operation]] as PageItem<Op>[] | undefined;
    items.push(...(pageItems ?? []));
  }
  return items;
}

export function listAllUsersByPermissionGroup(
  client: OperationSender,
  permissionGroupId: string,
): Promise<m.UserByPermissionGroup[]> {
  return collectAll(client, 'ListUsersByPermissionGroup', { permissionGroupId });
}

export function listAllPermissionGroupsByUser(client: OperationSender, userId: string): Promise<m.PermissionGroupByUser[]> {
  return collectAll(client, 'ListPermissionGroupsByUser', { userId });
}

export function listAllPermissionGroups(client: OperationSender): Promise<m.PermissionGroup[]> {
  return collectAll(client, 'ListPermissionGroups', {});
}

export function listAllUsers(client: OperationSender): Promise<m.User[]> {
  return collectAll(client, 'ListUsers', {});
}
