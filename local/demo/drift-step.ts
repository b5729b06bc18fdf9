/**
 * The demo's drift step: someone changes FinSpace by hand, outside CloudFormation
 * (through the API, as the automation superuser); the runner's drift command runs
 * the stack's audit function as its schedule would and finds each change; with
 * --heal it puts FinSpace back as the stack declares it.
 */
import type { DeclaredGroup } from './convergence';
import { convergenceProblems } from './convergence';
import { ENVIRONMENT_ID, ROLE_KEYS } from './environment';
import { FinSpaceDataClient } from '../../lambda/finspace';
import type { FinSpaceEmulator } from '../emulator';
import { drift, formatDrift, inSync } from '../runner';

/** How long the demo waits for FinSpace to settle the healed memberships. */
const SETTLE_TIMEOUT_MS = 30_000;

export interface DriftStepOptions {
  readonly emulator: FinSpaceEmulator;
  readonly stateFile: string;
  /** What the deployed stack declares. */
  readonly declared: readonly DeclaredGroup[];
  say(line: string): void;
}

/** The problems found; empty when drift was found, healed, and FinSpace matches the declaration again. */
export async function driftStep({ emulator, stateFile, declared, say }: DriftStepOptions): Promise<string[]> {
  const groupId = (name: string) => emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_ID)!
    .permissionGroups.find(g => g.name === name)!.permissionGroupId;
  const admin = new FinSpaceDataClient({
    environmentId: ENVIRONMENT_ID, region: emulator.region, endpoint: emulator.endpoint, credentials: async () => ROLE_KEYS,
  });
  const analysts = groupId('market-analysts');
  const engineers = groupId('data-engineers');
  say('By hand, outside CloudFormation: analyst03 leaves market-analysts, engineer02 joins data-engineers (exclusive),');
  say('and market-analysts is granted ManageUsersAndGroups.');
  await admin.disassociateUserFromPermissionGroup({ permissionGroupId: analysts, userId: 'analyst03' });
  await admin.associateUserToPermissionGroup({ permissionGroupId: engineers, userId: 'engineer02' });
  await admin.updatePermissionGroup({ permissionGroupId: analysts, applicationPermissions: ['AccessNotebooks', 'ViewAuditData', 'ManageUsersAndGroups'] });

  await settled(emulator);

  const options = { stateFile, finspaceEndpoint: emulator.endpoint, roleCredentials: ROLE_KEYS };
  const problems: string[] = [];
  say('\n$ npm run local -- drift --app cdk.out --endpoint ...\n');
  const found = await drift(options);
  found.forEach(stack => formatDrift(stack).forEach(say));
  const findings = found.flatMap(stack => stack.result?.findings ?? []);
  if (inSync(found) || findings.length !== 3) problems.push(`drift should find the 3 changes, found ${findings.length}`);

  say('\n$ npm run local -- drift --app cdk.out --endpoint ... --heal\n');
  const healed = await drift({ ...options, heal: true });
  healed.forEach(stack => formatDrift(stack).forEach(say));
  if (!inSync(healed)) problems.push('drift --heal did not heal everything');

  await settled(emulator);
  return [...problems, ...convergenceProblems(declared, emulator.snapshot(), ENVIRONMENT_ID)];
}

/**
 * Waits until FinSpace has no membership in progress: for the changes by hand to
 * take, then for the healing. A condition, not a duration; the deadline only ends
 * a wait that would never end.
 */
async function settled(emulator: FinSpaceEmulator): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  const inProgress = () => emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_ID)!.permissionGroups
    .some(group => group.members.some(member => member.membershipStatus !== 'ADDITION_SUCCESS'));
  while (inProgress() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
}
