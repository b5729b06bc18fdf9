import { RENEWAL_MARGIN_MS, VendedCredentialCache, type VendedCredentials } from '../../../lambda/finspace';

const MINUTE = 60_000;

/** A fetch that vends numbered credentials valid for `minutes` from `now()`. */
function vendor(now: () => number, minutes = 60) {
  let issued = 0;
  const fetch = jest.fn(async (): Promise<VendedCredentials> => {
    issued += 1;
    const issuedAt = now();
    return {
      identity: { accessKeyId: `ASIA${issued}`, secretAccessKey: 's', sessionToken: 't' },
      issuedAt,
      expiresAt: issuedAt + minutes * MINUTE,
    };
  });
  return fetch;
}

test('reuses credentials until they come within the renewal margin of expiry', async () => {
  const cache = new VendedCredentialCache();
  let now = 1_000_000;
  const fetch = vendor(() => now);

  expect((await cache.get('k', now, fetch)).accessKeyId).toBe('ASIA1');
  now += 60 * MINUTE - RENEWAL_MARGIN_MS - 1;
  expect((await cache.get('k', now, fetch)).accessKeyId).toBe('ASIA1');
  now += 1;
  expect((await cache.get('k', now, fetch)).accessKeyId).toBe('ASIA2');
  expect(fetch).toHaveBeenCalledTimes(2);
});

test('short-lived credentials are renewed at half their lifetime, not on every call', async () => {
  const cache = new VendedCredentialCache();
  let now = 0;
  const fetch = vendor(() => now, 2);

  await cache.get('k', now, fetch);
  now += MINUTE - 1;
  expect((await cache.get('k', now, fetch)).accessKeyId).toBe('ASIA1');
  now += 1;
  expect((await cache.get('k', now, fetch)).accessKeyId).toBe('ASIA2');
});

test('callers that miss together share one fetch', async () => {
  const cache = new VendedCredentialCache();
  const fetch = vendor(() => 0);
  const results = await Promise.all(Array.from({ length: 10 }, () => cache.get('k', 0, fetch)));
  expect(fetch).toHaveBeenCalledTimes(1);
  expect(new Set(results.map((identity) => identity.accessKeyId))).toEqual(new Set(['ASIA1']));
});

test('keys are independent', async () => {
  const cache = new VendedCredentialCache();
  const fetch = vendor(() => 0);
  await cache.get('env-a', 0, fetch);
  await cache.get('env-b', 0, fetch);
  expect(fetch).toHaveBeenCalledTimes(2);
});

test('a failed fetch is shared by its waiters and not cached', async () => {
  const cache = new VendedCredentialCache();
  const failing = jest.fn(async (): Promise<VendedCredentials> => {
    throw new Error('AccessDenied');
  });
  await expect(Promise.all([cache.get('k', 0, failing), cache.get('k', 0, failing)])).rejects.toThrow('AccessDenied');
  expect(failing).toHaveBeenCalledTimes(1);

  const fetch = vendor(() => 0);
  expect((await cache.get('k', 0, fetch)).accessKeyId).toBe('ASIA1');
});

test('invalidate drops only the credentials that were rejected', async () => {
  const cache = new VendedCredentialCache();
  const fetch = vendor(() => 0);
  const first = await cache.get('k', 0, fetch);
  cache.invalidate('k', first);
  const second = await cache.get('k', 0, fetch);
  expect(second.accessKeyId).toBe('ASIA2');

  // A late failure report about `first` must not throw away `second`.
  cache.invalidate('k', first);
  expect(await cache.get('k', 0, fetch)).toBe(second);
  expect(fetch).toHaveBeenCalledTimes(2);
});

test('clear forgets everything', async () => {
  const cache = new VendedCredentialCache();
  const fetch = vendor(() => 0);
  await cache.get('k', 0, fetch);
  cache.clear();
  await cache.get('k', 0, fetch);
  expect(fetch).toHaveBeenCalledTimes(2);
});
