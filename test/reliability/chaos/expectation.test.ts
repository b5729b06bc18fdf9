/**
 * The chaos runs' check (local/chaos/expectation.ts) against hand-made emulator
 * states: it passes the state a deploy must leave, and catches each way FinSpace can
 * differ from the declaration. A check that could not fail would prove nothing.
 */
import { ApplicationPermission } from '../../../lib/application-permission';
import {
  BOOTSTRAP_GROUPS, chaosSeed, type Declaration, EMPTY_DECLARATION, ENVIRONMENT_IDS, HANDLER_USER, IMPORTED_GROUPS, type PersonDeclaration,
} from '../../../local/chaos/environments';
import { bootstrapIdentity, ExpectedFinSpace, type ProblemKind } from '../../../local/chaos/expectation';
import { type EmulatorSnapshot, FinSpaceEmulator, type SnapshotPermissionGroup, type SnapshotUser } from '../../../local/emulator';

const DESK = IMPORTED_GROUPS.find(group => group.environment === 'a')!;
const ANALYSTS_ID = 'analystsgroup0000000000001';

const declaration: Declaration = {
  groups: [{ id: 'Analysts', environment: 'a', name: 'analysts', permissions: [ApplicationPermission.CREATE_DATASET], retain: false }],
  memberships: [
    { id: 'AnalystMembers', group: { created: 'Analysts' }, users: ['user01'], exclusive: false, retain: false },
    { id: 'DeskMembers', group: { imported: DESK.permissionGroupId }, users: ['user02'], exclusive: true, retain: false },
  ],
};

let initial: EmulatorSnapshot;
beforeAll(async () => {
  const emulator = await FinSpaceEmulator.start({ seed: chaosSeed('arn:aws:iam::111122223333:role/handler') });
  initial = emulator.snapshot();
  await emulator.stop();
});

/** The expectation after deploying `declaration` over nothing, both memberships created. */
function afterDeploy(): ExpectedFinSpace {
  const expected = new ExpectedFinSpace();
  expected.deployed(EMPTY_DECLARATION, declaration, new Set(['AnalystMembers', 'DeskMembers']));
  expected.learnIds(constructId => constructId === 'Analysts' ? ANALYSTS_ID : undefined);
  return expected;
}

/** The state that deploy must leave: the analysts group, and the desk with only its declared user and the handler's. */
function converged(change: (groups: SnapshotPermissionGroup[]) => SnapshotPermissionGroup[] = groups => groups): EmulatorSnapshot {
  return inEnvironmentA(initial, groups => change([
    ...groups.map(g => g.permissionGroupId === DESK.permissionGroupId ? withMembers(g, [HANDLER_USER, 'user02']) : g),
    snapshotGroup(ANALYSTS_ID, 'analysts', ['user01'], ['CreateDataset']),
  ]));
}

const kinds = (problems: readonly { kind: ProblemKind }[]) => problems.map(problem => problem.kind);

test('the seeded environments, before any deploy, pass', () => {
  expect(new ExpectedFinSpace().check(initial).problems).toEqual([]);
});

test('the state a deploy must leave passes, and the check counts what it saw', () => {
  const { problems, tally } = afterDeploy().check(converged());
  expect(problems).toEqual([]);
  // Groups: analysts and desk in a, floor in b, a reserved one in each. Outside: the
  // handler's user in desk, and outsider02 and the handler's user in floor.
  expect(tally).toEqual({ groups: 5, declaredMembers: 2, outsideMembers: 3, uncertainMembers: 0, users: 0 });
});

test.each<[string, (groups: SnapshotPermissionGroup[]) => SnapshotPermissionGroup[], ProblemKind | ProblemKind[]]>([
  ['a declared member missing', groups => groups.map(g => g.name === 'analysts' ? withMembers(g, []) : g), 'lost-member'],
  ['a declared member still being added', groups => groups.map(g => g.name === 'analysts' ? withMembers(g, [['user01', 'ADDITION_IN_PROGRESS']]) : g), 'unsettled-member'],
  ['an outside member the exclusive membership should have removed', groups => groups.map(g => g.name === DESK.name ? withMembers(g, [HANDLER_USER, 'outsider01', 'user02']) : g), 'unexpected-member'],
  ["the handler's own user removed by the exclusive membership", groups => groups.map(g => g.name === DESK.name ? withMembers(g, ['user02']) : g), 'wrongly-removed-member'],
  ['the group created twice', groups => [...groups, snapshotGroup('analystscopy00000000000001', 'analysts', ['user01'], ['CreateDataset'])],
    ['duplicate-group', 'unexpected-group']],
  ['the group with other permissions', groups => groups.map(g => g.name === 'analysts' ? { ...g, applicationPermissions: ['ViewAuditData'] } : g), 'group-differs'],
  ['a group that should not exist', groups => [...groups, snapshotGroup('leftover000000000000000001', 'leftover', [])], 'unexpected-group'],
  ['the group gone', groups => groups.filter(g => g.name !== 'analysts'), 'missing-group'],
])('%s is caught', (_, change, kind) => {
  expect(kinds(afterDeploy().check(converged(change)).problems)).toEqual([kind].flat());
});

test('an outside member of a group with additive memberships only must be left alone', () => {
  const expected = afterDeploy();
  expected.addOutsideMember('Analysts@a', 'outsider03');
  expect(kinds(expected.check(converged()).problems)).toEqual(['wrongly-removed-member']);
});

test('an exclusive membership CloudFormation does not update leaves an outside member alone', () => {
  const expected = afterDeploy();
  expected.addOutsideMember(`imported:${DESK.permissionGroupId}`, 'outsider03');
  expected.deployed(declaration, declaration, new Set());
  const withOutsider = converged(groups => groups.map(g => g.name === DESK.name ? withMembers(g, [HANDLER_USER, 'outsider03', 'user02']) : g));
  expect(expected.check(withOutsider).problems).toEqual([]);
});

describe('after a failed exclusive attempt, rolled back', () => {
  const attempted: Declaration = { groups: [], memberships: [declaration.memberships[1]] };
  const rolledBack = () => {
    const expected = new ExpectedFinSpace();
    expected.rolledBack(EMPTY_DECLARATION, attempted, { completed: new Set(), failed: new Set(['DeskMembers']), back: new Set() });
    return expected;
  };
  const outsiderGone = () => inEnvironmentA(initial, groups => groups.map(g => g.name === DESK.name ? withMembers(g, [HANDLER_USER]) : g));

  test('an outside member it may have removed passes whether there or not', () => {
    expect(rolledBack().check(initial).problems).toEqual([]);
    expect(rolledBack().check(outsiderGone()).problems).toEqual([]);
  });

  test('once seen gone, it must stay gone', () => {
    const expected = rolledBack();
    expect(expected.check(outsiderGone()).tally.uncertainMembers).toBe(1);
    expect(kinds(expected.check(initial).problems)).toEqual(['unexpected-member']);
  });
});

describe('the handler privileged by a group', () => {
  let privileged: EmulatorSnapshot;
  beforeAll(async () => {
    const emulator = await FinSpaceEmulator.start({ seed: chaosSeed('arn:aws:iam::111122223333:role/handler', 'group') });
    privileged = emulator.snapshot();
    await emulator.stop();
  });
  const bootstrap = BOOTSTRAP_GROUPS.a;

  test('the seeded environments pass: the bootstrap groups grant it', () => {
    expect(new ExpectedFinSpace('group').check(privileged).problems).toEqual([]);
  });

  test('no group left that grants it ManageUsersAndGroups is a lockout', () => {
    const expected = new ExpectedFinSpace('group');
    expected.removeOutsideMember(bootstrapIdentity('a'), HANDLER_USER);
    const inBootstrap = (change: (g: SnapshotPermissionGroup) => SnapshotPermissionGroup) =>
      inEnvironmentA(privileged, groups => groups.map(g => g.permissionGroupId === bootstrap.permissionGroupId ? change(g) : g));
    const removed = inBootstrap(g => withMembers(g, []));
    expect(kinds(expected.check(removed).problems)).toEqual(['lockout']);
    const stripped = inBootstrap(g => ({ ...g, applicationPermissions: [] }));
    expect(kinds(new ExpectedFinSpace('group').check(stripped).problems)).toEqual(['lockout']);
  });

  test('a membership still being added grants nothing yet', () => {
    const adding = inEnvironmentA(privileged, groups => groups.map(g =>
      g.permissionGroupId === bootstrap.permissionGroupId ? withMembers(g, [[HANDLER_USER, 'ADDITION_IN_PROGRESS']]) : g));
    expect(kinds(new ExpectedFinSpace('group').check(adding).problems)).toEqual(['unsettled-member', 'lockout']);
  });
});

test('a user added outside before a failed step that declared it must still be there after the rollback, as the README says', () => {
  const expected = afterDeploy();
  expected.addOutsideMember('Analysts@a', 'user03');
  const attempted: Declaration = {
    ...declaration,
    memberships: declaration.memberships.map(m => m.id === 'AnalystMembers' ? { ...m, users: ['user01', 'user03', 'ghost01'] } : m),
  };
  expected.rolledBack(declaration, attempted, { completed: new Set(), failed: new Set(['AnalystMembers']), back: new Set() });
  const kept = converged(groups => groups.map(g => g.name === 'analysts' ? withMembers(g, ['user01', 'user03']) : g));
  expect(expected.check(kept).problems).toEqual([]);
  expect(kinds(expected.check(converged()).problems)).toEqual(['wrongly-removed-member']);
});

test('an exclusive membership updated back by a rollback keeps the outside member the failed step declared, and removes the others', () => {
  const desk = `imported:${DESK.permissionGroupId}`;
  const expected = afterDeploy();
  expected.addOutsideMember(desk, 'user03');
  expected.addOutsideMember(desk, 'user04');
  const attempted: Declaration = {
    ...declaration,
    memberships: declaration.memberships.map(m => m.id === 'DeskMembers' ? { ...m, users: ['user02', 'user03', 'ghost01'] } : m),
  };
  expected.rolledBack(declaration, attempted, { completed: new Set(['DeskMembers']), failed: new Set(), back: new Set(['DeskMembers']) });
  const deskWith = (users: string[]) =>
    converged(groups => groups.map(g => g.permissionGroupId === DESK.permissionGroupId ? withMembers(g, users) : g));
  expect(expected.check(deskWith([HANDLER_USER, 'user02', 'user03'])).problems).toEqual([]);
  expect(kinds(expected.check(deskWith([HANDLER_USER, 'user02', 'user03', 'user04'])).problems)).toEqual(['unexpected-member']);
});

describe("the stack's people", () => {
  const JANE_ID = 'janeuser000000000000000001';
  const jane: PersonDeclaration = { id: 'Jane', environment: 'a', email: 'person1@example.com', firstName: 'Jane', lastName: 'Doe', type: 'APP_USER', retain: false };
  const withJane = (person: Partial<PersonDeclaration> = {}): Declaration => ({
    ...declaration,
    memberships: declaration.memberships.map(m => m.id === 'AnalystMembers' ? { ...m, people: ['Jane'] } : m),
    people: [{ ...jane, ...person }],
  });
  const janeUser: SnapshotUser = {
    userId: JANE_ID,
    type: 'APP_USER',
    status: 'ENABLED',
    firstName: 'Jane',
    lastName: 'Doe',
    emailAddress: 'person1@example.com',
    apiAccess: 'DISABLED',
    createTime: 0,
    lastModifiedTime: 0,
  };
  /** The expectation after deploying the declaration with Jane, a member of analysts, over nothing. */
  const afterJane = () => {
    const expected = new ExpectedFinSpace();
    expected.deployed(EMPTY_DECLARATION, withJane(), new Set(['AnalystMembers', 'DeskMembers']));
    expected.learnIds(constructId => constructId === 'Analysts' ? ANALYSTS_ID : undefined);
    return expected;
  };
  /** The converged state, Jane a member of analysts and a user as declared, then changed. */
  const state = (
    users: (users: SnapshotUser[]) => SnapshotUser[] = list => list,
    analystsMembers: string[] = ['user01', JANE_ID],
  ): EmulatorSnapshot => withUsersInA(
    converged(groups => groups.map(g => g.name === 'analysts' ? withMembers(g, analystsMembers) : g)),
    list => users([...list, janeUser]),
  );
  const janeAs = (change: Partial<SnapshotUser>) => (users: SnapshotUser[]) => users.map(u => u.userId === JANE_ID ? { ...u, ...change } : u);

  test('the state a deploy with a person must leave passes: a member by the construct, a user as declared, counted', () => {
    const { problems, tally } = afterJane().check(state());
    expect(problems).toEqual([]);
    expect(tally).toEqual({ groups: 5, declaredMembers: 3, outsideMembers: 3, uncertainMembers: 0, users: 1 });
  });

  test.each<[string, (users: SnapshotUser[]) => SnapshotUser[], string[] | undefined, ProblemKind[]]>([
    ['the user missing', users => users.filter(u => u.userId !== JANE_ID), ['user01'], ['missing-user', 'lost-member']],
    ['the user created twice', users => [...users, { ...janeUser, userId: 'janeuser000000000000000002', emailAddress: 'Person1@Example.com' }], undefined, ['duplicate-user']],
    ['the user disabled while declared', janeAs({ status: 'DISABLED' }), undefined, ['user-differs']],
    ['the user named otherwise', janeAs({ firstName: 'Janet' }), undefined, ['user-differs']],
    ['the user of another type', janeAs({ type: 'SUPER_USER' }), undefined, ['user-differs']],
    ["a user with a person's address that no declaration made", users => [...users, { ...janeUser, userId: 'strayuser00000000000000001', emailAddress: 'person9@example.com' }],
      undefined, ['unexpected-user']],
    ['the user not a member', users => users, ['user01'], ['lost-member']],
  ])('%s is caught', (_, users, analystsMembers, expectedKinds) => {
    expect(kinds(afterJane().check(state(users, analystsMembers)).problems)).toEqual(expectedKinds);
  });

  test('removed from the stack, a person is disabled; retained, it stays enabled; either way it leaves the group', () => {
    const removed = afterJane();
    removed.deployed(withJane(), declaration, new Set());
    expect(removed.check(state(janeAs({ status: 'DISABLED' }), ['user01'])).problems).toEqual([]);
    expect(kinds(removed.check(state(users => users, ['user01'])).problems)).toEqual(['user-differs']);

    const retained = new ExpectedFinSpace();
    retained.deployed(EMPTY_DECLARATION, withJane({ retain: true }), new Set(['AnalystMembers', 'DeskMembers']));
    retained.learnIds(constructId => constructId === 'Analysts' ? ANALYSTS_ID : undefined);
    retained.deployed(withJane({ retain: true }), declaration, new Set());
    expect(retained.check(state(users => users, ['user01'])).problems).toEqual([]);
    expect(kinds(retained.check(state(janeAs({ status: 'DISABLED' }), ['user01'])).problems)).toEqual(['user-differs']);
  });

  test('a person a failed step created may be there or not, enabled or disabled; once found, it must stay', () => {
    const failed = () => {
      const expected = afterDeploy();
      expected.rolledBack(declaration, withJane(), { completed: new Set(), failed: new Set(['AnalystMembers']), back: new Set() });
      return expected;
    };
    expect(failed().check(converged()).problems).toEqual([]);
    expect(failed().check(state(janeAs({ status: 'DISABLED' }), ['user01'])).problems).toEqual([]);
    const seen = failed();
    expect(seen.check(state(users => users, ['user01'])).problems).toEqual([]);
    expect(kinds(seen.check(converged()).problems)).toEqual(['missing-user']);
    const gone = failed();
    expect(gone.check(converged()).problems).toEqual([]);
    expect(kinds(gone.check(state(users => users, ['user01'])).problems)).toEqual(['unexpected-user']);
  });

  test('a person kept from an earlier revision that a failed step adopts again may end disabled by the rollback, but must still exist', () => {
    const expected = afterJane();
    expected.deployed(withJane({ retain: true }), EMPTY_DECLARATION, new Set());
    expected.rolledBack(EMPTY_DECLARATION, withJane({ retain: true, firstName: 'Janet' }),
      { completed: new Set(), failed: new Set(['AnalystMembers']), back: new Set() });
    // The stack gone: the desk keeps only the handler's user (the exclusive membership removed the outsider).
    const destroyed = inEnvironmentA(initial, groups => groups.map(g => g.name === DESK.name ? withMembers(g, [HANDLER_USER]) : g));
    expect(expected.check(withUsersInA(destroyed, list => janeAs({ status: 'DISABLED', firstName: 'Janet' })([...list, janeUser]))).problems).toEqual([]);
    expect(kinds(expected.check(destroyed).problems)).toEqual(['missing-user']);
  });
});

function withUsersInA(snapshot: EmulatorSnapshot, change: (users: SnapshotUser[]) => SnapshotUser[]): EmulatorSnapshot {
  return {
    environments: snapshot.environments.map(e => e.environmentId === ENVIRONMENT_IDS.a ? { ...e, users: change([...e.users]) } : e),
  };
}

function inEnvironmentA(snapshot: EmulatorSnapshot, change: (groups: SnapshotPermissionGroup[]) => SnapshotPermissionGroup[]): EmulatorSnapshot {
  return {
    environments: snapshot.environments.map(e =>
      e.environmentId === ENVIRONMENT_IDS.a ? { ...e, permissionGroups: change([...e.permissionGroups]) } : e),
  };
}

type Member = string | [string, 'ADDITION_IN_PROGRESS' | 'REMOVAL_IN_PROGRESS'];

function withMembers(found: SnapshotPermissionGroup, members: Member[]): SnapshotPermissionGroup {
  return {
    ...found,
    members: members.map(member => typeof member === 'string'
      ? { userId: member, membershipStatus: 'ADDITION_SUCCESS' as const }
      : { userId: member[0], membershipStatus: member[1] }),
  };
}

function snapshotGroup(permissionGroupId: string, name: string, members: Member[], applicationPermissions: string[] = []): SnapshotPermissionGroup {
  return withMembers({ permissionGroupId, name, applicationPermissions, createTime: 0, lastModifiedTime: 0, members: [] }, members);
}
