/**
 * A drift round between chaos steps: after a completed deploy, the operator changes
 * FinSpace outside CloudFormation (a declared member removed, a member nobody
 * declares added to an exclusive group, a created group renamed, re-permissioned and
 * re-described), then the stack's
 * drift audit runs with healing, as its schedule would, under the step's faults.
 * Every injected change must be found; what the faults kept the audit from healing is
 * healed by the next run, without faults. Whatever the audit removed that the
 * expectation counted as an outside member, it forgets; the sequence then checks the
 * whole emulator state as after any step, so nothing undeclared may have been touched.
 */
import { STACK_NAME } from './app';
import type { Declaration, EnvironmentKey, MembershipDeclaration } from './environments';
import { environmentOf, groupIdentity, HANDLER_ROLE_KEYS, OUTSIDE_USERS } from './environments';
import type { ExpectedFinSpace } from './expectation';
import type { ChaosWorld } from './world';
import type { DriftFinding } from '../../contract/drift-audit';
import type { FaultOptions } from '../emulator';
import { drift, type StackDrift } from '../runner';

/** Granted outside CloudFormation by a drift round: never ManageUsersAndGroups, whose removal the handler may refuse. */
const EXTRA_PERMISSIONS = ['ViewAuditData', 'AccessNotebooks', 'CreateDataset'];

export interface DriftRoundFigures {
  rounds: number;
  injected: number;
  found: number;
  healedFirstRun: number;
  healedSecondRun: number;
}

export function emptyDriftFigures(): DriftRoundFigures {
  return { rounds: 0, injected: 0, found: 0, healedFirstRun: 0, healedSecondRun: 0 };
}

/** Whether the step at `index` of the sequence of `seed` is followed by a drift round: about one in two. */
export function hasDriftRound(seed: number, index: number): boolean {
  return mix(seed, index, 0) % 2 === 0;
}

interface Injected {
  readonly kind: DriftFinding['kind'];
  readonly permissionGroupId: string;
  readonly userId?: string;
}

/** Plays one round; answers the problems found (none when every change was found and healed). */
export async function driftRound(options: {
  readonly world: ChaosWorld;
  readonly expected: ExpectedFinSpace;
  readonly deployed: Declaration;
  readonly seed: number;
  readonly index: number;
  readonly faults: FaultOptions;
  readonly figures: DriftRoundFigures;
}): Promise<string[]> {
  const { world, expected, deployed, seed, index, faults, figures } = options;
  const pick = <T>(items: readonly T[], salt: number): T | undefined => items.length === 0 ? undefined : items[mix(seed, index, salt) % items.length];
  const groupIdOf = (identity: string) => expected.physicalIdOf(identity);
  const injected: Injected[] = [];

  // A declared member removed: a user declared once in its group.
  const declarations = (membership: MembershipDeclaration, user: string) => deployed.memberships
    .filter(other => groupIdentity(deployed, other.group) === groupIdentity(deployed, membership.group) && other.users.includes(user)).length;
  const declaredOnce = deployed.memberships.flatMap(m => m.users.filter(user => declarations(m, user) === 1).map(user => ({ membership: m, user })));
  const removal = pick(declaredOnce, 1);
  if (removal) {
    const identity = groupIdentity(deployed, removal.membership.group);
    const permissionGroupId = groupIdOf(identity);
    if (permissionGroupId) {
      await world.removeMember(environmentOf(deployed, removal.membership.group), permissionGroupId, removal.user);
      injected.push({ kind: 'MemberMissing', permissionGroupId, userId: removal.user });
    }
  }
  // A member nobody declares, added to an exclusive membership's group.
  const exclusive = pick(deployed.memberships.filter(m => m.exclusive), 2);
  if (exclusive) {
    const identity = groupIdentity(deployed, exclusive.group);
    const permissionGroupId = groupIdOf(identity);
    const user = pick(OUTSIDE_USERS, 3)!;
    if (permissionGroupId && await world.addMember(environmentOf(deployed, exclusive.group), permissionGroupId, user)) {
      expected.addOutsideMember(identity, user);
      injected.push({ kind: 'MemberExtra', permissionGroupId, userId: user });
    }
  }
  // A created group renamed, granted one more permission, and re-described when it declares a description.
  const renamed = pick(deployed.groups, 4);
  const extraPermission = renamed && EXTRA_PERMISSIONS.find(permission => !renamed.permissions.includes(permission as never));
  if (renamed && extraPermission) {
    const permissionGroupId = groupIdOf(`${renamed.id}@${renamed.environment}`);
    if (permissionGroupId) {
      await world.operator(renamed.environment as EnvironmentKey).updatePermissionGroup({
        permissionGroupId,
        name: `${renamed.name}-drifted`,
        applicationPermissions: [...renamed.permissions, extraPermission] as never,
        ...(renamed.description ? { description: `${renamed.description} (drifted)` } : {}),
      });
      injected.push({ kind: 'GroupRenamed', permissionGroupId }, { kind: 'PermissionsChanged', permissionGroupId });
      if (renamed.description) injected.push({ kind: 'DescriptionChanged', permissionGroupId });
    }
  }
  figures.rounds++;
  figures.injected += injected.length;

  const problems: string[] = [];
  const driftOptions = {
    stateFile: world.stateFile, stacks: [STACK_NAME], finspaceEndpoint: world.emulator.endpoint, roleCredentials: HANDLER_ROLE_KEYS, heal: true,
  };
  world.emulator.setFaults(faults);
  let first: StackDrift[];
  try {
    first = await drift(driftOptions);
  } finally {
    world.emulator.setFaults(undefined);
  }
  const findings = first.flatMap(stack => stack.result?.findings ?? []);
  for (const change of injected) {
    const finding = findings.find(f => f.kind === change.kind && f.permissionGroupId === change.permissionGroupId && f.userId === change.userId);
    if (!finding) {
      problems.push(`drift round: ${change.kind} of ${change.userId ?? 'the group'} in ${change.permissionGroupId} was not found (audit: ${describe(first)})`);
      continue;
    }
    figures.found++;
    if (finding.healed) figures.healedFirstRun++;
  }
  // The schedule's next run, once FinSpace is healthy, heals what the faults kept back.
  await settle(world);
  const second = await drift(driftOptions);
  const left = second.flatMap(stack => stack.result?.findings ?? []).filter(f => f.healed !== true);
  if (left.length > 0 || second.some(stack => !stack.result?.audited)) problems.push(`drift round: the second audit left ${describe(second)}`);
  const healedFirst = (change: Injected) =>
    findings.some(f => f.kind === change.kind && f.permissionGroupId === change.permissionGroupId && f.userId === change.userId && f.healed);
  if (left.length === 0) figures.healedSecondRun += injected.filter(change => !healedFirst(change)).length;
  // Every member the audit removed was a member nobody declares: the expectation forgets it.
  for (const finding of [...findings, ...second.flatMap(stack => stack.result?.findings ?? [])]) {
    if (finding.kind !== 'MemberExtra' || !finding.healed) continue;
    const identity = [...deployed.memberships.map(m => groupIdentity(deployed, m.group))].find(id => groupIdOf(id) === finding.permissionGroupId);
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
  await world.settleRemovals();
  const deadline = Date.now() + 10_000;
  const adding = () => world.snapshot().environments.some(e => e.permissionGroups.some(g => g.members.some(m => m.membershipStatus === 'ADDITION_IN_PROGRESS')));
  while (adding() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 5));
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
