/**
 * A drift round between chaos steps: after a completed deploy, the operator changes
 * FinSpace outside CloudFormation (a declared member removed, a member nobody
 * declares added to an exclusive group, a created group renamed, re-permissioned and
 * re-described), then the stack's drift audit runs with healing, as its schedule
 * would, under the step's faults. Every injected change must be found; what the
 * faults kept the audit from healing is healed by the next run, without faults.
 * Whatever the audit removed that the expectation counted as an outside member, it
 * forgets; the sequence then checks the whole emulator state as after any step, so
 * nothing undeclared may have been touched.
 */
import { STACK_NAME } from './app';
import { type Declaration, environmentOf, groupIdentity, OUTSIDE_USERS } from './environments';
import type { ExpectedFinSpace } from './expectation';
import type { Figures } from './figures';
import type { ChaosWorld } from './world';
import type { DriftFinding } from '../../contract/drift-audit';
import type { FaultOptions } from '../emulator';
import type { StackDrift } from '../runner';

/** Granted outside CloudFormation by a drift round: never ManageUsersAndGroups, whose removal the handler may refuse. */
const EXTRA_PERMISSIONS = ['ViewAuditData', 'AccessNotebooks', 'CreateDataset'];

/** Whether the step at `index` of the sequence of `seed` is followed by a drift round: about one in two. */
export function hasDriftRound(seed: number, index: number): boolean {
  return mix(seed, index, 0) % 2 === 0;
}

type Injected = Pick<DriftFinding, 'kind' | 'permissionGroupId' | 'userId'>;

/** Plays one round; answers the problems found (none when every change was found and healed). */
export async function driftRound(options: {
  readonly world: ChaosWorld;
  readonly expected: ExpectedFinSpace;
  readonly deployed: Declaration;
  readonly seed: number;
  readonly index: number;
  readonly faults: FaultOptions;
  readonly figures: Figures['drift'];
}): Promise<string[]> {
  const { world, expected, deployed, seed, index, figures } = options;
  const pick = <T>(items: readonly T[], salt: number): T | undefined => items.length === 0 ? undefined : items[mix(seed, index, salt) % items.length];
  const identityOf = (membership: Declaration['memberships'][number]) => groupIdentity(deployed, membership.group);
  const injected: Injected[] = [];

  // A declared member removed: a user declared once in its group.
  const declarations = (identity: string, user: string) => deployed.memberships.filter(m => identityOf(m) === identity && m.users.includes(user));
  const declaredOnce = deployed.memberships.flatMap(m => m.users.filter(user => declarations(identityOf(m), user).length === 1)
    .map(user => ({ m, user })));
  const removal = pick(declaredOnce, 1);
  const removedFrom = removal && expected.physicalIdOf(identityOf(removal.m));
  if (removal && removedFrom) {
    await world.removeMember(environmentOf(deployed, removal.m.group), removedFrom, removal.user);
    injected.push({ kind: 'MemberMissing', permissionGroupId: removedFrom, userId: removal.user });
  }
  // A member nobody declares, added to an exclusive membership's group.
  const exclusive = pick(deployed.memberships.filter(m => m.exclusive), 2);
  const extendedGroup = exclusive && expected.physicalIdOf(identityOf(exclusive));
  const user = pick(OUTSIDE_USERS, 3)!;
  if (exclusive && extendedGroup && await world.addMember(environmentOf(deployed, exclusive.group), extendedGroup, user)) {
    expected.addOutsideMember(identityOf(exclusive), user);
    injected.push({ kind: 'MemberExtra', permissionGroupId: extendedGroup, userId: user });
  }
  // A created group renamed, granted one more permission, and re-described when it declares a description.
  const renamed = pick(deployed.groups, 4);
  const extraPermission = renamed && EXTRA_PERMISSIONS.find(permission => !renamed.permissions.includes(permission as never));
  const renamedId = renamed && extraPermission && expected.physicalIdOf(`${renamed.id}@${renamed.environment}`);
  if (renamed && renamedId) {
    await world.operator(renamed.environment).updatePermissionGroup({
      permissionGroupId: renamedId,
      name: `${renamed.name}-drifted`,
      applicationPermissions: [...renamed.permissions, extraPermission] as never,
      ...(renamed.description ? { description: `${renamed.description} (drifted)` } : {}),
    });
    injected.push({ kind: 'GroupRenamed', permissionGroupId: renamedId }, { kind: 'PermissionsChanged', permissionGroupId: renamedId });
    if (renamed.description) injected.push({ kind: 'DescriptionChanged', permissionGroupId: renamedId });
  }
  figures.rounds++;
  figures.injected += injected.length;

  const problems: string[] = [];
  const first = await world.drift(STACK_NAME, options.faults);
  const findings = first.flatMap(stack => stack.result?.findings ?? []);
  const matching = (change: Injected) => (f: DriftFinding) =>
    f.kind === change.kind && f.permissionGroupId === change.permissionGroupId && f.userId === change.userId;
  for (const change of injected) {
    const finding = findings.find(matching(change));
    const what = `${change.kind} of ${change.userId ?? 'the group'} in ${change.permissionGroupId}`;
    if (!finding) problems.push(`drift round: ${what} was not found (audit: ${describe(first)})`);
    else figures.found++;
    if (finding?.healed) figures.healedFirstRun++;
  }
  // The schedule's next run, once FinSpace is healthy, heals what the faults kept back.
  await settle(world);
  const second = await world.drift(STACK_NAME);
  const secondFindings = second.flatMap(stack => stack.result?.findings ?? []);
  const left = secondFindings.filter(f => f.healed !== true);
  if (left.length > 0 || second.some(stack => !stack.result?.audited)) problems.push(`drift round: the second audit left ${describe(second)}`);
  if (left.length === 0) figures.healedSecondRun += injected.filter(change => !findings.some(f => matching(change)(f) && f.healed)).length;
  // Every member the audit removed was a member nobody declares: the expectation forgets it.
  for (const finding of [...findings, ...secondFindings].filter(f => f.kind === 'MemberExtra' && f.healed)) {
    const identity = deployed.memberships.map(identityOf).find(id => expected.physicalIdOf(id) === finding.permissionGroupId);
    if (identity) expected.removeOutsideMember(identity, finding.userId!);
  }
  await settle(world);
  return problems;
}

function describe(drifts: readonly StackDrift[]): string {
  return JSON.stringify(drifts.map(stack => stack.failure ?? stack.result)).slice(0, 1500);
}

/** Until FinSpace has no membership in progress. */
async function settle(world: ChaosWorld): Promise<void> {
  await world.settle('REMOVAL_IN_PROGRESS');
  await world.settle('ADDITION_IN_PROGRESS');
}

/** A deterministic number from the sequence's seed, the step and a salt. */
function mix(seed: number, index: number, salt: number): number {
  /* eslint-disable no-bitwise */
  let hash = 0x811c9dc5;
  for (const value of [seed, index, salt]) {
    hash ^= value;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
  /* eslint-enable no-bitwise */
}
