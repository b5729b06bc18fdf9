/**
 * Seed files and seeding: format checks with JSON paths, model constraints,
 * references, and that a bad seed changes nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENV, IAM, standardSeed } from './support/fixtures';
import { EmulatorSeed, FinSpaceEmulator, SeedError, loadSeedFile, validateSeed } from '../../../local/emulator';

let directory: string;

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-seed-'));
});

afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

function writeSeed(name: string, content: string): string {
  const file = path.join(directory, name);
  fs.writeFileSync(file, content);
  return file;
}

/** The problems a seed is refused for. */
function problemsOf(seed: unknown): readonly string[] {
  try {
    validateSeed(seed);
  } catch (error) {
    if (error instanceof SeedError) return error.problems;
    throw error;
  }
  throw new Error('the seed was accepted');
}

describe('loadSeedFile', () => {
  test('loads a valid file', () => {
    const file = writeSeed('valid.json', JSON.stringify(standardSeed()));
    expect(loadSeedFile(file)).toEqual(standardSeed());
  });

  test('names a file it cannot read', () => {
    const missing = path.join(directory, 'missing.json');
    expect(() => loadSeedFile(missing)).toThrow(`Invalid seed (${missing}):\n  - cannot read the file: ENOENT`);
  });

  test('names a file that is not JSON', () => {
    const file = writeSeed('broken.json', '{ "environments": [ }');
    expect(() => loadSeedFile(file)).toThrow(`Invalid seed (${file}):\n  - not valid JSON:`);
  });

  test('lists every problem of a file, each with its JSON path', () => {
    const file = writeSeed(
      'bad.json',
      JSON.stringify({
        iamPrincipals: [{ accessKeyId: 'AKIA1', secretAccessKey: 's', roleArn: 'arn:aws:iam::1:role/x' }],
        environments: [{ environmentId: 'e', users: [{ userId: 'u', type: 'APP_USER', emailAddress: 'nobody' }], colour: 'blue' }],
      }),
    );
    let error: SeedError | undefined;
    try {
      loadSeedFile(file);
    } catch (caught) {
      error = caught as SeedError;
    }
    expect(error).toBeInstanceOf(SeedError);
    expect(error?.message).toBe(
      `Invalid seed (${file}):\n` +
        '  - $.iamPrincipals[0].roleArn: Member must satisfy regular expression pattern: ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$\n' +
        '  - $.environments[0].colour: unknown field (expected one of environmentId, users, permissionGroups)\n' +
        '  - $.environments[0].users[0].emailAddress: Member must satisfy regular expression pattern: [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,4}',
    );
  });
});

describe('validateSeed', () => {
  test('checks values against the model shapes, without repeating sensitive ones', () => {
    expect(
      problemsOf({
        environments: [
          {
            environmentId: ENV,
            users: [{ userId: 'u1', type: 'APP_USER', emailAddress: 'not-an-address', firstName: '' }],
            permissionGroups: [{ permissionGroupId: 'g1', name: 'n'.repeat(256), applicationPermissions: ['Everything'] }],
          },
        ],
      }),
    ).toEqual([
      '$.environments[0].users[0].firstName: Member must have length greater than or equal to 1',
      '$.environments[0].users[0].firstName: Member must satisfy regular expression pattern: .*\\S.*',
      '$.environments[0].users[0].emailAddress: Member must satisfy regular expression pattern: [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,4}',
      '$.environments[0].permissionGroups[0].name: Member must have length less than or equal to 255',
      '$.environments[0].permissionGroups[0].applicationPermissions: Member must satisfy constraint: [Member must satisfy enum value set: ' +
        '[CreateDataset, ManageClusters, ManageUsersAndGroups, ManageAttributeSets, ViewAuditData, AccessNotebooks, GetTemporaryCredentials]]',
    ]);
  });

  test('checks types and required fields', () => {
    expect(problemsOf({ iamPrincipals: {}, environments: [{ users: [{ userId: 7, type: 'APP_USER' }] }] })).toEqual([
      '$.iamPrincipals: must be a list',
    ]);
    expect(problemsOf({ environments: [{ environmentId: 'e', users: [{ userId: 7, type: 'APP_USER' }, 'bob'] }] })).toEqual([
      '$.environments[0].users[0].userId: must be a string',
      '$.environments[0].users[0].emailAddress: required',
      '$.environments[0].users[1]: must be an object',
    ]);
    expect(problemsOf([])).toEqual(['$: must be an object']);
  });

  test('checks references and duplicates', () => {
    const user = (userId: string, emailAddress: string) => ({ userId, type: 'APP_USER', emailAddress });
    expect(
      problemsOf({
        iamPrincipals: [{ ...IAM.admin }, { ...IAM.admin }],
        environments: [
          {
            environmentId: 'e1',
            users: [user('a', 'a@example.com'), user('a', 'b@example.com'), user('c', 'A@example.com')],
            permissionGroups: [
              { permissionGroupId: 'g', name: 'g', applicationPermissions: [], members: ['a', 'zed', 'a'] },
              { permissionGroupId: 'g', name: 'h', applicationPermissions: [] },
            ],
          },
          { environmentId: 'e1' },
        ],
      }),
    ).toEqual([
      `$.iamPrincipals[1].accessKeyId: access key '${IAM.admin.accessKeyId}' appears more than once`,
      "$.environments[0].users[1].userId: user 'a' appears more than once",
      '$.environments[0].users[2].emailAddress: this email address is used by another user',
      "$.environments[0].permissionGroups[0].members[1]: no user 'zed' in environment 'e1'",
      "$.environments[0].permissionGroups[0].members[2]: user 'a' is listed twice",
      "$.environments[0].permissionGroups[1].permissionGroupId: group 'g' appears more than once",
      "$.environments[1].environmentId: environment 'e1' appears more than once",
    ]);
  });
});

describe('seeding a running emulator', () => {
  let emulator: FinSpaceEmulator;

  beforeEach(async () => {
    emulator = await FinSpaceEmulator.start({ seed: standardSeed() });
  });

  afterEach(() => emulator.stop());

  test('adds to an existing environment; members may be users seeded before', () => {
    emulator.seed({
      environments: [{ environmentId: ENV, permissionGroups: [{ permissionGroupId: 'late', name: 'late', applicationPermissions: [], members: ['alice'] }] }],
    });
    const group = emulator.snapshot().environments[0].permissionGroups.find((candidate) => candidate.permissionGroupId === 'late');
    expect(group?.members).toEqual([{ userId: 'alice', membershipStatus: 'ADDITION_SUCCESS' }]);
  });

  test('refuses what clashes with the state and changes nothing', () => {
    const before = emulator.snapshot();
    const clashing: EmulatorSeed = {
      iamPrincipals: [{ ...IAM.admin }],
      environments: [
        { environmentId: 'env-new', users: [{ userId: 'fresh', type: 'APP_USER', emailAddress: 'fresh@example.com' }] },
        { environmentId: ENV, users: [{ userId: 'alice', type: 'APP_USER', emailAddress: 'ALICE@example.com' }] },
      ],
    };
    let refusal: unknown;
    try {
      emulator.seed(clashing);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(SeedError);
    expect((refusal as SeedError).problems).toEqual([
      `$.iamPrincipals[0].accessKeyId: access key '${IAM.admin.accessKeyId}' appears more than once`,
      "$.environments[1].users[0].userId: user 'alice' appears more than once",
      '$.environments[1].users[0].emailAddress: this email address is used by another user',
    ]);
    expect(emulator.snapshot()).toEqual(before);
  });

  test('seeded users get defaults and seeded members start settled', () => {
    const environment = emulator.snapshot().environments[0];
    expect(environment.users.find((user) => user.userId === 'bob')).toEqual({
      userId: 'bob',
      type: 'APP_USER',
      status: 'ENABLED',
      emailAddress: 'bob@example.com',
      apiAccess: 'DISABLED',
      createTime: expect.any(Number),
      lastModifiedTime: expect.any(Number),
      lastEnabledTime: expect.any(Number),
    });
    expect(environment.permissionGroups[0].members).toEqual([{ userId: 'manager', membershipStatus: 'ADDITION_SUCCESS' }]);
  });

  test('the snapshot is plain JSON', () => {
    const snapshot = emulator.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});
