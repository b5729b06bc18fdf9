/**
 * `drift`: a deployed stack's drift audit run once, as its schedule would: the audit
 * function in a local Lambda container, with the input of the stack's EventBridge rule
 * (and `heal` when asked); and its report in the shape of `cdk drift`.
 */
import { stackFunction } from './providers';
import { startEndpoint, type FunctionRunOptions } from './runner';
import { loadState, type DeployedStack } from './state-file';
import type { AuditResult, DriftFinding } from '../../contract/drift-audit';

/** The handler of the audit function (lib/handler-provider.ts). */
const AUDIT_HANDLER = 'index.audit';

export interface DriftOptions extends FunctionRunOptions {
  /** Heal, whatever the stack's schedule says. */
  readonly heal?: boolean;
}

export interface StackDrift {
  readonly stackName: string;
  /** Logical id to resource type, for the table. */
  readonly resourceTypes: Readonly<Record<string, string>>;
  readonly result?: AuditResult;
  /** The audit function failed. */
  readonly failure?: string;
}

/** A stack the runner cannot audit: not deployed, or deployed without an audit. */
export class DriftUnavailable extends Error {}

export async function drift(options: DriftOptions): Promise<StackDrift[]> {
  const state = loadState(options.stateFile);
  const unknown = (options.stacks ?? []).filter(name => !state.stacks[name]);
  if (unknown.length > 0) {
    throw new DriftUnavailable(`${unknown.join(', ')}: not deployed (${options.stateFile} has ${Object.keys(state.stacks).join(', ') || 'no stacks'})`);
  }
  const stacks = (options.stacks ?? Object.keys(state.stacks)).map(name => state.stacks[name]);
  const audited = stacks.map(stack => ({ stack, schedule: auditScheduleOf(stack) }));
  const without = audited.filter(({ schedule }) => !schedule).map(({ stack }) => stack.stackName);
  if (options.stacks && without.length > 0 || audited.every(({ schedule }) => !schedule)) {
    throw new DriftUnavailable(`${without.join(', ') || 'no stack'}: no drift audit deployed; set the audit property of FinSpaceDataAccess`);
  }
  const endpoint = await startEndpoint(options);
  try {
    const results: StackDrift[] = [];
    for (const { stack, schedule } of audited) {
      if (!schedule) continue;
      endpoint.stackStatusChanged(stack.stackId, stack.status);
      const answer = await endpoint.lambda.invoke(schedule.fn, JSON.stringify({ ...schedule.input, ...(options.heal ? { heal: true } : {}) }));
      const payload = JSON.parse(answer.payload);
      const resourceTypes = Object.fromEntries(Object.entries(stack.resources).map(([id, r]) => [id, r.type]));
      const outcome = answer.functionError ? { failure: String(payload.errorMessage ?? answer.payload) } : { result: payload as AuditResult };
      results.push({ stackName: stack.stackName, resourceTypes, ...outcome });
    }
    return results;
  } finally {
    await endpoint.stop();
  }
}

/** Whether FinSpace matches the declaration after this run: no drift left, everything compared. */
export function inSync(drifts: readonly StackDrift[]): boolean {
  return drifts.every(({ result }) => result !== undefined && result.audited && result.notCompared.length === 0 &&
    result.findings.every(finding => finding.healed === true));
}

/** The audit function and the input its EventBridge rule sends it, as deployed. */
function auditScheduleOf(stack: DeployedStack) {
  const resources = new Map(Object.entries(stack.resources));
  const rules = [...resources.values()].filter(resource => resource.type === 'AWS::Events::Rule');
  for (const target of rules.flatMap(rule => (rule.properties.Targets ?? []) as Array<{ Arn?: string; Input?: string }>)) {
    const fn = stackFunction(target.Arn, resources);
    if (fn?.handler === AUDIT_HANDLER && typeof target.Input === 'string') return { fn, input: JSON.parse(target.Input) as Record<string, unknown> };

  }
  return undefined;
}

/** Per kind of finding: its sign in the table and what it says. */
const FINDINGS: Record<DriftFinding['kind'], readonly [sign: string, describe: (finding: DriftFinding) => string]> = {
  GroupDeleted: ['[-]', () => 'the group was deleted outside CloudFormation'],
  GroupRenamed: ['[~]', () => 'the name differs from the declaration'],
  DescriptionChanged: ['[~]', () => 'the description differs from the declaration'],
  PermissionsChanged: ['[~]', finding =>
    `permissions ${[...(finding.permissionsAdded ?? []).map(p => `+${p}`), ...(finding.permissionsRemoved ?? []).map(p => `-${p}`)].join(' ')}`],
  MemberMissing: ['[-]', finding => `${finding.userId}: declared, not a member`],
  MemberExtra: ['[+]', finding => `${finding.userId}: a member the exclusive membership does not declare`],
};

export function formatDrift(stackDrift: StackDrift): string[] {
  const lines = [`Stack ${stackDrift.stackName}`];
  if (stackDrift.failure) return [...lines, `❌  the drift audit failed: ${stackDrift.failure}`];
  const result = stackDrift.result!;
  if (!result.audited) return [...lines, `⏸  not audited: ${result.skippedBecause}; the audit never races a deployment`];
  const byResource = new Map<string, DriftFinding[]>();
  for (const finding of result.findings) byResource.set(finding.logicalId, [...byResource.get(finding.logicalId) ?? [], finding]);
  for (const [logicalId, findings] of byResource) {
    lines.push(`[~] ${stackDrift.resourceTypes[logicalId] ?? 'Custom::FinSpace'} ${logicalId} (permission group ${findings[0].permissionGroupId})`);
    findings.forEach((finding, index) => {
      const branch = index === findings.length - 1 ? ' └─' : ' ├─';
      lines.push(`${branch} ${FINDINGS[finding.kind][0]} ${FINDINGS[finding.kind][1](finding)}${healing(finding)}`);
    });
  }
  for (const logicalId of result.notCompared) lines.push(`[?] ${stackDrift.resourceTypes[logicalId] ?? 'Custom::FinSpace'} ${logicalId}: could not be compared`);
  const healed = result.findings.filter(finding => finding.healed).length;
  lines.push('');
  lines.push(byResource.size === 0 && result.notCompared.length === 0
    ? '✨  No drift: FinSpace matches the declaration'
    : `✨  Number of resources with drift: ${byResource.size} (${result.driftedGroups} groups, ${result.driftedMembers} members` +
      `${result.healRequested ? `; healed ${healed} of ${result.findings.length} findings` : ''})`);
  return lines;
}

function healing(finding: DriftFinding): string {
  if (finding.healed === true) return '  (healed)';
  if (finding.healed === false) return `  (not healed: ${finding.notHealedBecause})`;
  return '';
}
