/**
 * Healing as a step of every deploy (`DriftAuditOptions.healOnDeploy`). The stack's
 * deploy-heal resource names the audit function as its ServiceToken, depends on every
 * group and membership, and changes at each synth, so CloudFormation sends it an
 * Update after all of them on every deploy. The audit then heals; drift it cannot heal
 * fails the deploy with a short reason, so that nothing is silently left.
 */
import * as https from 'https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { runAudit } from './drift-audit';
import type { InvocationContext } from './handler-context';
import type { AuditResult, DeclaredResources, DeployHealProperties, DriftFinding } from '../contract/drift-audit';

/** What the function PUTs to CloudFormation's ResponseURL. */
export interface DeployHealResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** Findings named per cause in a failure's reason; the function's log lists all of them. */
const FINDINGS_IN_REASON = 5;
/** Stays well inside CloudFormation's 4 KB response object. */
const MAX_REASON_LENGTH = 1000;
const RESPONSE_ATTEMPTS = 3;

/** Whether the audit function's event comes from CloudFormation (the deploy-heal resource) rather than its schedule. */
export function isCustomResourceEvent(event: unknown): event is CloudFormationCustomResourceEvent {
  return typeof event === 'object' && event !== null && 'RequestType' in event && 'ResponseURL' in event;
}

/** Audits and heals for the deployment that sent `event`, and says how CloudFormation should record it. */
export async function healOnDeploy(
  event: CloudFormationCustomResourceEvent, declared: DeclaredResources | undefined, context: InvocationContext,
): Promise<DeployHealResponse> {
  const respond = (Status: DeployHealResponse['Status'], Reason: string, Data?: Record<string, string>): DeployHealResponse => ({
    Status,
    Reason,
    PhysicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : `${event.LogicalResourceId}-deploy-heal`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(Data ? { Data } : {}),
  });
  if (event.RequestType === 'Delete') return respond('SUCCESS', '');
  if (await rollingBack(event.StackId, context)) {
    // A rollback puts the previous declaration back through the resources themselves; the next deploy heals.
    context.log('deploy-time heal skipped: the stack is rolling back');
    return respond('SUCCESS', '');
  }
  if (!declared) return respond('FAILED', 'the audit function has no declared resources in its layer');
  try {
    const properties = event.ResourceProperties as unknown as DeployHealProperties;
    const request = { stackId: event.StackId, heal: true, deployTimeValues: properties.DeployTimeValues ?? [] };
    const result = await runAudit(request, declared, context, event.RequestId, true);
    const reason = unhealedDrift(result);
    const counts = { DriftedGroups: String(result.driftedGroups), DriftedMembers: String(result.driftedMembers) };
    return reason ? respond('FAILED', reason, counts) : respond('SUCCESS', '', counts);
  } catch (error) {
    const { name = 'Error', message = String(error) } = (error ?? {}) as Partial<Error>;
    context.log('deploy-time heal failed', { error: name });
    return respond('FAILED', truncate(`the deploy-time heal failed: ${name}: ${message}`));
  }
}

/**
 * The reason the deploy fails: what is left drifted or uncompared, by resource and
 * cause, ids only; undefined when nothing is.
 */
export function unhealedDrift(result: AuditResult): string | undefined {
  const left = result.findings.filter(finding => finding.healed !== true);
  if (left.length === 0 && result.notCompared.length === 0) return undefined;
  // One part per resource and cause: a refused user fails a membership's whole heal.
  const byCause = new Map<string, DriftFinding[]>();
  for (const finding of left) {
    const key = JSON.stringify([finding.logicalId, finding.permissionGroupId, finding.notHealedBecause ?? 'not healed']);
    byCause.set(key, [...byCause.get(key) ?? [], finding]);
  }
  const parts = [...byCause].map(([key, findings]) => {
    const [logicalId, permissionGroupId, because] = JSON.parse(key) as string[];
    const named = findings.slice(0, FINDINGS_IN_REASON).map(f => (f.userId !== undefined ? `${f.kind} ${f.userId}` : f.kind));
    if (findings.length > FINDINGS_IN_REASON) named.push(`${findings.length - FINDINGS_IN_REASON} more`);
    return `${logicalId} (group ${permissionGroupId}): ${named.join(', ')}: ${because}`;
  });
  if (result.notCompared.length > 0) parts.push(`not compared (FinSpace did not answer): ${result.notCompared.join(', ')}`);
  return truncate(`FinSpace differs from the declaration and the deploy-time heal could not put it back: ${parts.join('; ')}. ` +
    'The audit function\'s log lists every finding');
}

async function rollingBack(stackId: string, context: InvocationContext): Promise<boolean> {
  try {
    return (await context.stackStatus(stackId)).includes('ROLLBACK');
  } catch {
    // Unknown status: the request came from a deployment, so heal.
    return false;
  }
}

function truncate(text: string): string {
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 3)}...`;
}

/** PUTs the response to CloudFormation's pre-signed URL, trying again after a failed attempt. */
export async function submitResponse(responseUrl: string, response: DeployHealResponse, sleep: (ms: number) => Promise<void>): Promise<void> {
  const body = JSON.stringify(response);
  for (let attempt = 1; ; attempt++) {
    try {
      return await put(new URL(responseUrl), body);
    } catch (error) {
      if (attempt >= RESPONSE_ATTEMPTS) throw error;
      await sleep(1000 * attempt);
    }
  }
}

function put(url: URL, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = https.request({
      hostname: url.hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'PUT',
      // The URL is signed without a content type: CloudFormation's own examples send none.
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, response => {
      response.resume();
      response.on('end', () => (response.statusCode !== undefined && response.statusCode < 300
        ? resolve()
        : reject(new Error(`the response URL answered ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}
