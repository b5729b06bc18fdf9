/**
 * The runner serves Parameter Store, and the handler's client (lambda/parameter-store.ts)
 * reads and writes it: both sides of the calls that keep the record of members found
 * already present (lambda/preexisting-members.ts), which is tested here on them too.
 */
import { parameterStore, SSM_ENDPOINT_ENV, type ParameterStore } from '../../../lambda/parameter-store';
import { declarationDigest, PreexistingMembers } from '../../../lambda/preexisting-members';
import type { GroupMembershipProperties } from '../../../lambda/properties';
import { ProviderEndpoint } from '../../../local/runner/provider-endpoint';

const CREDENTIALS = { accessKeyId: 'AKIAPARAMETERSTORE01', secretAccessKey: 'parameter-store-secret' };
const PATH = '/finspace-data-access/Analytics/preexisting-members';

let endpoint: ProviderEndpoint;
let store: ParameterStore;
beforeEach(async () => {
  endpoint = await ProviderEndpoint.start({ credentials: CREDENTIALS });
  store = parameterStore({ region: 'eu-west-1', credentials: async () => CREDENTIALS, env: { [SSM_ENDPOINT_ENV]: endpoint.url } });
});
afterEach(() => endpoint.stop());

const props = (userIds: string[]): GroupMembershipProperties => ({
  environmentId: 'env1', permissionGroupId: 'pg1', userIds, emails: [], exclusive: false, membershipKey: 'Members', shardIndex: 0, shardCount: 1,
});

test('puts, lists a folder page by page, overwrites and deletes', async () => {
  for (let i = 0; i < 12; i++) await store.put({ name: `${PATH}/Members/${i}`, value: `v${i}` });
  await store.put({ name: `${PATH}/Members/deeper/0`, value: 'not directly under' });
  await store.put({ name: `${PATH}/Members/3`, value: 'overwritten' });

  const listed = await store.parametersUnder(`${PATH}/Members`);
  expect(listed).toHaveLength(12);
  expect(listed.find(p => p.name === `${PATH}/Members/3`)?.value).toBe('overwritten');

  await store.delete([`${PATH}/Members/0`, `${PATH}/Members/1`, `${PATH}/Members/never`]);
  expect(await store.parametersUnder(`${PATH}/Members`)).toHaveLength(10);
});

test('refuses what Parameter Store refuses, with its error code', async () => {
  await expect(store.put({ name: `${PATH}/Members/0`, value: 'x'.repeat(4097) })).rejects.toThrow(expect.objectContaining({ name: 'ValidationException' }));
  await expect(store.delete(Array.from({ length: 11 }, (_, i) => `${PATH}/${i}`))).rejects.toThrow(expect.objectContaining({ name: 'ValidationException' }));
});

describe('the record of members found already present', () => {
  test('holds 3,000 user ids in standard parameters, and a smaller record replaces every chunk of a larger one', async () => {
    const members = new PreexistingMembers(store, PATH);
    const many = Array.from({ length: 3000 }, (_, i) => `user-with-a-long-id-${String(i).padStart(5, '0')}`);
    await members.record('Members', props(many), 'request-1', many);
    const chunks = Object.keys(endpoint.parameterStore.snapshot());
    expect(chunks.length).toBeGreaterThan(20);
    expect((await members.recorded('Members', props([...many].reverse()))).sort()).toEqual(many);

    await members.record('Members', props(['alice', 'bob']), 'request-2', ['alice']);
    expect(Object.keys(endpoint.parameterStore.snapshot())).toEqual([`${PATH}/Members/0`]);
    expect(await members.recorded('Members', props(['bob', 'alice']))).toEqual(['alice']);
    expect(await members.isRecordedBy('Members', 'request-2')).toBe(true);
    expect(await members.isRecordedBy('Members', 'request-1')).toBe(false);
  });

  test('is trusted only for the declaration it was made for', async () => {
    const members = new PreexistingMembers(store, PATH);
    await members.record('Members', props(['alice', 'bob']), 'request-1', ['alice']);
    expect(await members.recorded('Members', props(['alice']))).toEqual([]);
    expect(await members.recorded('Members', { ...props(['alice', 'bob']), permissionGroupId: 'pg2' })).toEqual([]);
    expect(declarationDigest(props(['alice', 'bob']))).toBe(declarationDigest(props(['bob', 'alice'])));
  });

  test('an empty record still says which event made it, and forget deletes it all', async () => {
    const members = new PreexistingMembers(store, PATH);
    await members.record('Members', props(['alice']), 'request-1', []);
    await members.record('Other', props(['carol']), 'request-2', ['carol']);
    expect(await members.isRecordedBy('Members', 'request-1')).toBe(true);
    await members.forget('Members');
    expect(Object.keys(endpoint.parameterStore.snapshot())).toEqual([`${PATH}/Other/0`]);
  });
});
