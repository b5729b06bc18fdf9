/**
 * The calls tests make most, spelled out as the FinSpace Data REST routes
 * (written here by hand, independently of the emulator's model-derived router).
 */
import { ApiResponse, SignedClient } from '../../../../local/emulator/signed-client';

export function createGroup(client: SignedClient, name: string, extra: Record<string, unknown> = {}): Promise<ApiResponse> {
  return client.send({ method: 'POST', path: '/permission-group', body: { name, applicationPermissions: ['CreateDataset'], ...extra } });
}

/** Creates a group and returns its id; fails the test if creation fails. */
export async function newGroupId(client: SignedClient, name: string): Promise<string> {
  const response = await createGroup(client, name);
  expect(response.status).toBe(200);
  return response.body.permissionGroupId;
}

export function associate(client: SignedClient, groupId: string, userId: string, clientToken?: string): Promise<ApiResponse> {
  return client.send({
    method: 'POST',
    path: `/permission-group/${groupId}/users/${userId}`,
    body: clientToken === undefined ? undefined : { clientToken },
  });
}

export function disassociate(client: SignedClient, groupId: string, userId: string, clientToken?: string): Promise<ApiResponse> {
  return client.send({ method: 'DELETE', path: `/permission-group/${groupId}/users/${userId}`, query: { clientToken } });
}

export function deleteGroup(client: SignedClient, groupId: string, clientToken?: string): Promise<ApiResponse> {
  return client.send({ method: 'DELETE', path: `/permission-group/${groupId}`, query: { clientToken } });
}

export function listMembers(client: SignedClient, groupId: string, maxResults = 100, nextToken?: string): Promise<ApiResponse> {
  return client.send({ method: 'GET', path: `/permission-group/${groupId}/users`, query: { maxResults, nextToken } });
}

/** `{ userId: membershipStatus }` of a group's first page. */
export async function memberStatuses(client: SignedClient, groupId: string): Promise<Record<string, string>> {
  const response = await listMembers(client, groupId);
  expect(response.status).toBe(200);
  return Object.fromEntries(response.body.users.map((user: { userId: string; membershipStatus: string }) => [user.userId, user.membershipStatus]));
}

export function getUser(client: SignedClient, userId: string): Promise<ApiResponse> {
  return client.send({ method: 'GET', path: `/user/${userId}` });
}

/** The parts of an error answer a client can see. */
export function errorOf(response: ApiResponse): { status: number; type: unknown; body: unknown } {
  return { status: response.status, type: response.headers['x-amzn-errortype'], body: response.body };
}
