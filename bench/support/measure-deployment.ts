/**
 * One measured deployment: a fresh emulator seeded with the starting state,
 * the synthesized resources deployed against it over HTTP, then the calls it
 * answered and a check that the group ended exactly as declared.
 */
import { deploy, type DeploymentResult } from './deployment';
import { withEmulator } from './emulator-process';
import { ENVIRONMENT_ID, GROUP_ID } from './finspace-seed';
import type { LambdaHost } from './lambda-host';
import { LocalLambdaHost } from './local-lambda';
import type { SynthesizedMembership } from './synthesized-stack';
import type { CallRecord, EmulatorBehaviour, EmulatorSeed, EmulatorSnapshot, FaultCounts, FaultOptions } from '../../local/emulator';

export interface DeploymentScenario {
  readonly seed: EmulatorSeed;
  readonly behaviour: Partial<EmulatorBehaviour>;
  readonly faults: FaultOptions;
  readonly previous?: SynthesizedMembership;
  readonly next: SynthesizedMembership;
  /** The group's members once the deployment succeeded. */
  readonly expectedMembers: readonly string[];
  /** The members of each other group the deployment manages, by permission group id. Default: none. */
  readonly otherGroupsExpected?: Readonly<Record<string, readonly string[]>>;
}

export interface DeploymentMeasurement extends DeploymentResult {
  /** Every API request the emulator answered during the deployment. */
  readonly calls: CallRecord[];
  readonly faultCounts: FaultCounts;
  /**
   * Lambda environments from which the handler called FinSpace: each fetches FinSpace
   * credentials once and keeps them for far longer than a benchmark runs.
   */
  readonly lambdaEnvironmentsCalling: number;
}

export async function measureDeployment(scenario: DeploymentScenario): Promise<DeploymentMeasurement> {
  return withEmulator(async emulator => {
    await emulator.seed(scenario.seed);
    await emulator.setBehaviour(scenario.behaviour);
    await emulator.setFaults(scenario.faults);
    await emulator.resetCalls();
    const target = { endpoint: emulator.endpoint, region: emulator.region };
    const lambdas: LambdaHost = await LocalLambdaHost.start(scenario.next, target);
    let result: DeploymentResult;
    try {
      result = await deploy(scenario.next, scenario.previous, lambdas);
    } finally {
      await lambdas.close();
    }
    if (result.lambdaTimeouts > 0) throw new Error(`${result.lambdaTimeouts} handler invocations ran past their Lambda timeout, which Lambda would have stopped`);
    const [calls, faultCounts] = [await emulator.calls(), await emulator.faultCounts()];
    if (result.ok) {
      const snapshot = await emulator.snapshot();
      expectMembers(snapshot, GROUP_ID, scenario.expectedMembers);
      for (const [groupId, members] of Object.entries(scenario.otherGroupsExpected ?? {})) expectMembers(snapshot, groupId, members);
    }
    const lambdaEnvironmentsCalling = calls.filter(call => call.operation === 'GetProgrammaticAccessCredentials' && call.statusCode === 200).length;
    return { ...result, calls, faultCounts, lambdaEnvironmentsCalling };
  });
}

/** A deployment that reports success must have left each group exactly as declared. */
function expectMembers(snapshot: EmulatorSnapshot, groupId: string, expected: readonly string[]): void {
  const group = snapshot.environments.find(e => e.environmentId === ENVIRONMENT_ID)?.permissionGroups
    .find(g => g.permissionGroupId === groupId);
  if (!group) throw new Error(`the benchmark group ${groupId} is gone`);
  const settled = new Set(group.members.filter(m => m.membershipStatus === 'ADDITION_SUCCESS').map(m => m.userId));
  const missing = expected.filter(userId => !settled.has(userId));
  const extra = group.members.length - (expected.length - missing.length);
  if (missing.length > 0 || extra > 0) {
    throw new Error(`the deployment reported success but in ${groupId} ${missing.length} declared users are not ADDITION_SUCCESS and ${extra} others are members`);
  }
}

/** Calls answered per operation. */
export function callsByOperation(calls: readonly CallRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  return counts;
}
