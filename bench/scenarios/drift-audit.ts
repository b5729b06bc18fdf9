/**
 * Drift audit: a stack of 200 groups with 100 declared members each (20,000 members)
 * audited against the emulator in its own process, every call 20 ms late. Ten
 * groups renamed, ten missing a declared member, ten exclusive groups with a member
 * nobody declares: 30 drifted items.
 *
 * The minimum for an audit: one read of each group, one listing of each group
 * (pages = ceil(members / 100)), one credential call. With healing: plus one call per
 * drifted item, and for each rename one listing of the environment's groups (pages =
 * ceil(groups / 100)), which makes sure that no other group has the name: whether
 * FinSpace refuses two groups of one name is not documented. The time limit is one
 * Lambda invocation's: 15 minutes.
 */
import type { AuditResult, DeclaredResource } from '../../contract/drift-audit';
import { DEFAULT_POLL_INTERVAL_SECONDS } from '../../contract/handler-settings';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE } from '../../contract/resource-types';
import { runAudit } from '../../lambda/drift-audit';
import { FinSpaceDataClient, VendedCredentialCache, DEFAULT_PAGE_SIZE } from '../../lambda/finspace';
import { invocationContext, type HandlerContext } from '../../lambda/handler-context';
import type { EmulatorSeed } from '../../local/emulator';
import { withEmulator } from '../support/emulator-process';
import { ENVIRONMENT_ID, HANDLER_ROLE_ARN, HANDLER_ROLE_KEYS } from '../support/finspace-seed';
import type { Figure, SuiteResult } from '../support/report';

const GROUPS = 200;
const MEMBERS_PER_GROUP = 100;
const LATENCY_MS = 20;
/** Groups 0-9 renamed, 10-19 missing a member, 20-29 exclusive with an extra member. */
const DRIFTED_PER_KIND = 10;
const LAMBDA_LIMIT_MS = 15 * 60_000;
const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/DriftBench/1';

const groupId = (g: number) => `driftbenchgroup${String(g).padStart(5, '0')}`;
const memberOf = (g: number, u: number) => `g${String(g).padStart(3, '0')}member${String(u).padStart(3, '0')}`;
const declaredMembers = (g: number) => Array.from({ length: MEMBERS_PER_GROUP }, (_, u) => memberOf(g, u));
const kindOf = (g: number) => (g < DRIFTED_PER_KIND ? 'renamed' : g < 2 * DRIFTED_PER_KIND ? 'missing' : g < 3 * DRIFTED_PER_KIND ? 'extra' : 'none');

/** FinSpace as the drift left it. */
function driftedSeed(): EmulatorSeed {
  const users = Array.from({ length: GROUPS }, (_, g) => declaredMembers(g)).flat();
  return {
    iamPrincipals: [{ ...HANDLER_ROLE_KEYS, roleArn: HANDLER_ROLE_ARN }],
    environments: [{
      environmentId: ENVIRONMENT_ID,
      users: [
        { userId: 'automation', type: 'SUPER_USER', emailAddress: 'automation@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: HANDLER_ROLE_ARN },
        { userId: 'intruder', type: 'APP_USER', emailAddress: 'intruder@example.com' },
        ...users.map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
      ],
      permissionGroups: Array.from({ length: GROUPS }, (_, g) => ({
        permissionGroupId: groupId(g),
        name: kindOf(g) === 'renamed' ? `desk-${g}-renamed` : `desk-${g}`,
        applicationPermissions: ['AccessNotebooks'],
        members: kindOf(g) === 'missing' ? declaredMembers(g).slice(1) : kindOf(g) === 'extra' ? [...declaredMembers(g), 'intruder'] : declaredMembers(g),
      })),
    }],
  };
}

/** The stack's declaration, as the provider publishes it; the group ids are deploy-time values. */
function declaredResources(): DeclaredResource[] {
  return Array.from({ length: GROUPS }, (_, g): DeclaredResource[] => [
    {
      logicalId: `Desk${g}`,
      type: PERMISSION_GROUP_RESOURCE_TYPE,
      physicalId: { deployTimeValue: g },
      properties: { EnvironmentId: ENVIRONMENT_ID, PermissionGroupName: `desk-${g}`, ApplicationPermissions: ['AccessNotebooks'] },
    },
    {
      logicalId: `Desk${g}Members`,
      type: GROUP_MEMBERSHIP_RESOURCE_TYPE,
      properties: {
        EnvironmentId: ENVIRONMENT_ID,
        PermissionGroupId: { deployTimeValue: g },
        UserIds: declaredMembers(g),
        Exclusive: kindOf(g) === 'extra' ? 'true' : 'false',
        MembershipKey: `m${String(g).padStart(7, '0')}`,
        ShardIndex: '0',
        ShardCount: '1',
      },
    },
  ]).flat();
}

interface AuditRun {
  readonly ms: number;
  readonly calls: number;
  readonly result: AuditResult;
}

async function auditOnce(heal: boolean): Promise<AuditRun> {
  return withEmulator(async emulator => {
    await emulator.seed(driftedSeed());
    await emulator.setFaults({ latencyMs: LATENCY_MS });
    await emulator.resetCalls();
    const credentialCache = new VendedCredentialCache();
    const startedAt = Date.now();
    const context: HandlerContext = {
      settings: {
        maxConcurrency: 8, timeoutMs: LAMBDA_LIMIT_MS, handlerRoleArn: HANDLER_ROLE_ARN, pollIntervalMs: DEFAULT_POLL_INTERVAL_SECONDS * 1000,
      },
      clientFor: (environmentId, deadlines) => new FinSpaceDataClient({
        environmentId,
        region: emulator.region,
        endpoint: emulator.endpoint,
        credentials: async () => HANDLER_ROLE_KEYS,
        credentialCache,
        keepTrying: deadlines ? { until: () => deadlines.retryRoundsUntil() } : undefined,
        callsEndBy: deadlines ? () => deadlines.callsEndBy() : undefined,
      }),
      now: Date.now,
      remainingTimeMs: () => startedAt + LAMBDA_LIMIT_MS - Date.now(),
      log: () => undefined,
      stackStatus: async () => 'UPDATE_COMPLETE',
    };
    const request = { stackId: STACK_ID, heal, deployTimeValues: Array.from({ length: GROUPS }, (_, g) => groupId(g)) };
    const result = await runAudit(request, { resources: declaredResources() }, invocationContext(context, 'onEvent'));
    const ms = Date.now() - startedAt;
    return { ms, calls: (await emulator.calls()).length, result };
  });
}

export async function driftAudit({ runs }: { runs: number }): Promise<SuiteResult> {
  const pages = (members: number) => Math.max(1, Math.ceil(members / DEFAULT_PAGE_SIZE));
  let listingPages = 0;
  for (let g = 0; g < GROUPS; g++) listingPages += pages(MEMBERS_PER_GROUP + (kindOf(g) === 'extra' ? 1 : 0) - (kindOf(g) === 'missing' ? 1 : 0));
  const minimumAudit = GROUPS + listingPages + 1;
  const drifted = 3 * DRIFTED_PER_KIND;
  const nameChecks = DRIFTED_PER_KIND * pages(GROUPS);
  const audits: AuditRun[] = [];
  const heals: AuditRun[] = [];
  for (let run = 0; run < runs; run++) {
    audits.push(await auditOnce(false));
    heals.push(await auditOnce(true));
  }
  const problems = [...audits, ...heals].filter(r => r.result.findings.length !== drifted || r.result.notCompared.length > 0);
  if (problems.length > 0) throw new Error(`an audit did not find exactly the ${drifted} drifted items: ${JSON.stringify(problems[0].result).slice(0, 500)}`);
  const unhealed = heals.flatMap(r => r.result.findings).filter(f => f.healed !== true);
  if (unhealed.length > 0) throw new Error(`healing left ${unhealed.length} findings: ${JSON.stringify(unhealed[0])}`);

  const figures: Figure[] = [
    { name: 'audit calls (20,000 members, 200 groups)', unit: 'calls', measured: audits.map(r => r.calls), baselineName: 'one read and one listing per group', baseline: audits.map(() => minimumAudit), target: { op: '<=', value: 1 } },
    { name: 'audit + heal calls', unit: 'calls', measured: heals.map(r => r.calls), baselineName: '+ one call per drifted item, a name check per rename', baseline: heals.map(() => minimumAudit + drifted + nameChecks), target: { op: '<=', value: 1 } },
    { name: 'audit time at 20 ms latency', unit: 'ms', measured: audits.map(r => r.ms), baselineName: 'one Lambda invocation (15 min)', baseline: audits.map(() => LAMBDA_LIMIT_MS), target: { op: '<=', value: 1 } },
    { name: 'audit + heal time at 20 ms latency', unit: 'ms', measured: heals.map(r => r.ms), baselineName: 'one Lambda invocation (15 min)', baseline: heals.map(() => LAMBDA_LIMIT_MS), target: { op: '<=', value: 1 } },
  ];
  return {
    suite: 'Drift audit',
    runs,
    figures,
    notes: [
      `${GROUPS} groups of ${MEMBERS_PER_GROUP} declared members; drift: ${DRIFTED_PER_KIND} renamed groups, ${DRIFTED_PER_KIND} missing members, ` +
        `${DRIFTED_PER_KIND} extra members of exclusive groups; every call ${LATENCY_MS} ms late; 8 calls at once.`,
      `minimum: ${GROUPS} GetPermissionGroup + ${listingPages} listing pages + 1 credential call = ${minimumAudit}; with healing + ${drifted} writes + ${nameChecks} pages of group names (renames check that the name is free).`,
      `every run found the ${drifted} drifted items; every healing run healed all of them.`,
    ],
  };
}
