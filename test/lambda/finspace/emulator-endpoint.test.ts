/**
 * Endpoint precedence with real servers: each candidate endpoint is its own
 * emulator, so where the calls land shows which one the client chose.
 */
import { ENVIRONMENT_ID, plainRead, ROLE_KEYS, startEmulator } from './support/world';
import { FinSpaceDataClient, GLOBAL_ENDPOINT_ENV, SERVICE_ENDPOINT_ENV, VendedCredentialCache } from '../../../lambda/finspace';
import type { FinSpaceEmulator } from '../../../local/emulator';

const ENV_NAMES = [SERVICE_ENDPOINT_ENV, GLOBAL_ENDPOINT_ENV, 'AWS_REGION', 'AWS_DEFAULT_REGION'];

let serviceSpecific: FinSpaceEmulator;
let global: FinSpaceEmulator;
let explicit: FinSpaceEmulator;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  [serviceSpecific, global, explicit] = await Promise.all([startEmulator(), startEmulator(), startEmulator()]);
  for (const name of ENV_NAMES) saved[name] = process.env[name];
});
beforeEach(() => {
  for (const emulator of [serviceSpecific, global, explicit]) emulator.resetCalls();
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_DEFAULT_REGION;
  process.env[SERVICE_ENDPOINT_ENV] = serviceSpecific.endpoint;
  process.env[GLOBAL_ENDPOINT_ENV] = global.endpoint;
});
afterEach(() => {
  for (const name of ENV_NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterAll(() => Promise.all([serviceSpecific, global, explicit].map((emulator) => emulator.stop())));

/** A client that leaves region and endpoint to the environment unless given. */
async function callWith(endpoint?: string) {
  const client = new FinSpaceDataClient({
    environmentId: ENVIRONMENT_ID,
    endpoint,
    credentials: async () => ROLE_KEYS,
    credentialCache: new VendedCredentialCache(),
  });
  await plainRead(client);
  return client;
}

const callCounts = () => [serviceSpecific, global, explicit].map((emulator) => emulator.calls.length);

test(`${SERVICE_ENDPOINT_ENV} comes first`, async () => {
  await callWith();
  expect(callCounts()).toEqual([2, 0, 0]);
});

test(`${GLOBAL_ENDPOINT_ENV} is used without the service-specific variable`, async () => {
  delete process.env[SERVICE_ENDPOINT_ENV];
  await callWith();
  expect(callCounts()).toEqual([0, 2, 0]);
});

test('an explicit endpoint beats both variables', async () => {
  await callWith(explicit.endpoint);
  expect(callCounts()).toEqual([0, 0, 2]);
});

test('the region comes from AWS_REGION and is used for signing', async () => {
  const client = await callWith();
  expect(client.region).toBe('us-east-1');
  process.env.AWS_REGION = 'eu-west-1';
  // The emulator serves us-east-1, so a client signing for eu-west-1 is refused: the region really is used.
  await expect(callWith()).rejects.toMatchObject({ name: 'InvalidSignatureException' });
});
