/**
 * The drift audit: compares every group and membership the stack declares with
 * FinSpace, reports each difference as a log line and the counts as CloudWatch
 * metrics (embedded metric format), and with healing puts FinSpace back through the
 * reconcile code that deploys use. It does nothing while its stack is being deployed.
 *
 * Cost: one read of each declared group, one listing of each group with declared
 * members, and with healing one call per drifted item.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { forEachConcurrently } from './concurrency';
import { isFinSpaceError, listAllUsersByPermissionGroup, type PermissionGroup, type UserByPermissionGroup } from './finspace';
import { healMembership, physicalIdOf } from './group-membership';
import type { InvocationContext } from './handler-context';
import { healPermissionGroup } from './permission-group';
import {
  parseGroupMembershipProperties,
  parsePermissionGroupProperties,
  type GroupMembershipProperties,
  type PermissionGroupProperties,
} from './properties';
import type { OnEventRequest } from './provider-types';
import { loadUserDirectory, type UserDirectory } from './user-directory';
import {
  DECLARED_RESOURCES_FILE,
  DRIFT_METRICS_DIMENSION,
  DRIFT_METRICS_NAMESPACE,
  DRIFTED_GROUPS_METRIC,
  DRIFTED_MEMBERS_METRIC,
  isGroupDrift,
  type AuditRequest,
  type AuditResult,
  type DeclaredResources,
  type DeclaredValue,
  type DriftFinding,
} from '../contract/drift-audit';
import { normalizeEmail } from '../contract/finspace-users';
import { shardOf } from '../contract/membership-shards';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE } from '../contract/resource-types';

/** The statuses of a stack that no operation is changing: the only ones the audit works in. */
const SETTLED_STATUSES = new Set([
  'CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE',
]);

/** The stack's declared resources in the function's layer (/opt); undefined when the function has none. */
export function declaredResourcesFromLayer(optDirectory = '/opt'): DeclaredResources | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(optDirectory, DECLARED_RESOURCES_FILE), 'utf8')) as DeclaredResources;
  } catch {
    return undefined;
  }
}

interface DeclaredGroupState {
  readonly logicalId: string;
  readonly groupId: string;
  readonly raw: Record<string, unknown>;
  readonly props: PermissionGroupProperties;
  live?: PermissionGroup;
}

interface DeclaredMembershipState {
  readonly logicalId: string;
  readonly raw: Record<string, unknown>;
  readonly props: GroupMembershipProperties;
}

/** Mutable while the audit runs; reported as DriftFinding. */
type Finding = { -readonly [K in keyof DriftFinding]: DriftFinding[K] };

export async function runAudit(
  request: AuditRequest, declared: DeclaredResources, context: InvocationContext, auditId: string = randomUUID(),
): Promise<AuditResult> {
  const healRequested = request.heal === true;
  const nothing = { healRequested, findings: [], driftedGroups: 0, driftedMembers: 0, notCompared: [] };
  const status = await settledStatus(request.stackId, context);
  if (!status.settled) {
    context.log('drift audit skipped: the stack is not settled, and the audit never races a deployment', {
      stackStatus: status.stackStatus, reason: status.reason,
    });
    return { ...nothing, audited: false, stackStatus: status.stackStatus, skippedBecause: status.reason };
  }

  const notCompared: string[] = [];
  const groups: DeclaredGroupState[] = [];
  const memberships: DeclaredMembershipState[] = [];
  for (const resource of declared.resources) {
    try {
      const raw = resolveAll(resource.properties, request.deployTimeValues) as Record<string, unknown>;
      if (resource.type === PERMISSION_GROUP_RESOURCE_TYPE) {
        const groupId = resolveValue(resource.physicalId, request.deployTimeValues);
        if (typeof groupId !== 'string') throw new Error('no group id');
        groups.push({ logicalId: resource.logicalId, groupId, raw, props: parsePermissionGroupProperties(raw) });
      } else if (resource.type === GROUP_MEMBERSHIP_RESOURCE_TYPE) {
        memberships.push({ logicalId: resource.logicalId, raw, props: parseGroupMembershipProperties(raw) });
      }
    } catch (error) {
      context.log('drift audit cannot compare a resource', { logicalId: resource.logicalId, error: (error as Error).name, reason: (error as Error).message });
      notCompared.push(resource.logicalId);
    }
  }

  const findings: Finding[] = [];
  const deletedGroups = new Set<string>();
  await forEachConcurrently(groups, context.settings.maxConcurrency, async group => {
    try {
      group.live = (await context.clientFor(group.props.environmentId).getPermissionGroup({ permissionGroupId: group.groupId })).permissionGroup;
    } catch (error) {
      if (!isFinSpaceError(error, 'ResourceNotFoundException')) return cannotCompare(group.logicalId, error);
    }
    if (!group.live) {
      deletedGroups.add(groupKey(group.props.environmentId, group.groupId));
      findings.push({ kind: 'GroupDeleted', logicalId: group.logicalId, permissionGroupId: group.groupId });
      return;
    }
    findings.push(...groupDrift(group, group.live));
  });

  // One listing per group, whichever of its memberships and shards declare users.
  const byGroup = new Map<string, DeclaredMembershipState[]>();
  for (const membership of memberships) {
    const key = groupKey(membership.props.environmentId, membership.props.permissionGroupId);
    if (deletedGroups.has(key)) continue; // reported with the group: its members are gone with it
    byGroup.set(key, [...byGroup.get(key) ?? [], membership]);
  }
  const listings = new Map<string, Map<string, UserByPermissionGroup>>();
  await forEachConcurrently([...byGroup.entries()], context.settings.maxConcurrency, async ([key, ofGroup]) => {
    const { environmentId, permissionGroupId } = ofGroup[0].props;
    let live: Map<string, UserByPermissionGroup>;
    try {
      const members = await listAllUsersByPermissionGroup(context.clientFor(environmentId), permissionGroupId);
      live = new Map(members.filter(m => m.userId).map(m => [m.userId!, m]));
    } catch (error) {
      if (isFinSpaceError(error, 'ResourceNotFoundException')) {
        // A group the stack does not create (imported by id) that is gone.
        findings.push({ kind: 'GroupDeleted', logicalId: ofGroup[0].logicalId, permissionGroupId });
        return;
      }
      ofGroup.forEach(membership => cannotCompare(membership.logicalId, error));
      return;
    }
    listings.set(key, live);
    // A missing member declared by e-mail is named by its id: one user listing, only for groups with such members.
    let directory: UserDirectory | undefined;
    try {
      if (ofGroup.some(membership => membership.props.emails.length > 0)) directory = await loadUserDirectory(context.clientFor(environmentId));
    } catch (error) {
      ofGroup.forEach(membership => cannotCompare(membership.logicalId, error));
      return;
    }
    findings.push(...memberDrift(ofGroup, live, context.settings.handlerRoleArn, directory));
  });

  const driftedGroups = new Set(findings.filter(f => isGroupDrift(f.kind)).map(f => f.permissionGroupId)).size;
  const driftedMembers = findings.filter(f => !isGroupDrift(f.kind)).length;

  if (healRequested && findings.length > 0) {
    await heal({ findings, groups, memberships, listings, request, context, auditId });
  }

  const sorted = findings.sort(byResourceAndUser);
  for (const finding of sorted) context.log('drift', { ...finding });
  const stackName = request.stackId.split('/')[1] ?? request.stackId;
  context.log('drift audit metrics', {
    _aws: {
      Timestamp: context.time.now(),
      CloudWatchMetrics: [{
        Namespace: DRIFT_METRICS_NAMESPACE,
        Dimensions: [[DRIFT_METRICS_DIMENSION]],
        Metrics: [{ Name: DRIFTED_GROUPS_METRIC, Unit: 'Count' }, { Name: DRIFTED_MEMBERS_METRIC, Unit: 'Count' }],
      }],
    },
    [DRIFT_METRICS_DIMENSION]: stackName,
    [DRIFTED_GROUPS_METRIC]: driftedGroups,
    [DRIFTED_MEMBERS_METRIC]: driftedMembers,
  });
  context.log('drift audit done', {
    stackStatus: status.stackStatus,
    groups: groups.length,
    memberships: memberships.length,
    driftedGroups,
    driftedMembers,
    healRequested,
    notCompared: notCompared.length,
  });
  return { audited: true, stackStatus: status.stackStatus, healRequested, findings: sorted, driftedGroups, driftedMembers, notCompared };

  function cannotCompare(logicalId: string, error: unknown): void {
    context.log('drift audit cannot compare a resource', { logicalId, error: (error as Error).name });
    notCompared.push(logicalId);
  }
}

/** Name, description (when declared) and permissions; never the values themselves in a finding. */
function groupDrift(group: DeclaredGroupState, live: PermissionGroup): Finding[] {
  const base = { logicalId: group.logicalId, permissionGroupId: group.groupId };
  const findings: Finding[] = [];
  if (live.name !== group.props.name) findings.push({ kind: 'GroupRenamed', ...base });
  if (group.props.description !== undefined && live.description !== group.props.description) findings.push({ kind: 'DescriptionChanged', ...base });
  const granted = new Set<string>(live.applicationPermissions ?? []);
  const declared = new Set(group.props.applicationPermissions);
  const permissionsAdded = [...granted].filter(p => !declared.has(p)).sort();
  const permissionsRemoved = [...declared].filter(p => !granted.has(p)).sort();
  if (permissionsAdded.length + permissionsRemoved.length > 0) {
    findings.push({ kind: 'PermissionsChanged', ...base, permissionsAdded, permissionsRemoved });
  }
  return findings;
}

/**
 * Declared users that are not members (or are leaving), and, where a membership of
 * the group is exclusive, members that no resource of the stack declares: exactly
 * what the reconcile pass of a deploy would add and remove.
 */
function memberDrift(
  ofGroup: DeclaredMembershipState[], live: ReadonlyMap<string, UserByPermissionGroup>, handlerRoleArn?: string, directory?: UserDirectory,
): Finding[] {
  const findings: Finding[] = [];
  const declared = new Set<string>();
  // Members declared by e-mail are known by the address the group's listing carries.
  const declaredEmails = new Set<string>();
  const liveEmails = new Map([...live.values()].filter(m => m.emailAddress).map(m => [normalizeEmail(m.emailAddress!), m]));
  for (const membership of ofGroup) {
    membership.props.emails.forEach((email, index) => {
      declaredEmails.add(normalizeEmail(email));
      const status = liveEmails.get(normalizeEmail(email))?.membershipStatus;
      if (status === undefined || status === 'REMOVAL_IN_PROGRESS') {
        // An address that names no user is named by its position (the next deploy says which).
        const userId = directory?.byEmail(email)?.userId ?? `e-mail #${index + 1}`;
        findings.push({ kind: 'MemberMissing', logicalId: membership.logicalId, permissionGroupId: membership.props.permissionGroupId, userId });
      }
    });
    for (const userId of membership.props.userIds) {
      declared.add(userId);
      const status = live.get(userId)?.membershipStatus;
      if (status === undefined || status === 'REMOVAL_IN_PROGRESS') {
        findings.push({ kind: 'MemberMissing', logicalId: membership.logicalId, permissionGroupId: membership.props.permissionGroupId, userId });
      }
    }
  }
  const exclusive = ofGroup.filter(membership => membership.props.exclusive);
  if (exclusive.length === 0) return findings;
  for (const [userId, member] of live) {
    if (declared.has(userId) || member.membershipStatus === 'REMOVAL_IN_PROGRESS') continue;
    if (member.emailAddress && declaredEmails.has(normalizeEmail(member.emailAddress))) continue;
    if (handlerRoleArn !== undefined && member.apiAccessPrincipalArn === handlerRoleArn) continue;
    const owner = exclusive.find(m => shardOf(userId, m.props.shardCount) === m.props.shardIndex) ?? exclusive[0];
    findings.push({ kind: 'MemberExtra', logicalId: owner.logicalId, permissionGroupId: owner.props.permissionGroupId, userId });
  }
  return findings;
}

interface HealWork {
  readonly findings: Finding[];
  readonly groups: readonly DeclaredGroupState[];
  readonly memberships: readonly DeclaredMembershipState[];
  readonly listings: ReadonlyMap<string, ReadonlyMap<string, UserByPermissionGroup>>;
  readonly request: AuditRequest;
  readonly context: InvocationContext;
  readonly auditId: string;
}

/**
 * Puts back what drifted, resource by resource, as an update that declares what is
 * declared already: the lifecycles' own convergence and reconcile pass.
 */
async function heal(work: HealWork): Promise<void> {
  const { findings, context } = work;
  const notHealed = (logicalId: string, because: string) => findings
    .filter(f => f.logicalId === logicalId && f.healed === undefined)
    .forEach(f => { f.healed = false; f.notHealedBecause = because; });
  for (const finding of findings.filter(f => f.kind === 'GroupDeleted')) {
    finding.healed = false;
    finding.notHealedBecause = 'a deleted group is not created again by the audit (its id belongs to CloudFormation); the next deploy that changes the group recreates it';
  }
  // The stack may have begun a deployment since the audit looked: then the deploy heals.
  const status = await settledStatus(work.request.stackId, context);
  if (!status.settled) {
    for (const finding of findings) {
      if (finding.healed === undefined) Object.assign(finding, { healed: false, notHealedBecause: `the stack is ${status.stackStatus ?? 'not settled'}` });
    }
    context.log('drift not healed: the stack is not settled any more', { stackStatus: status.stackStatus });
    return;
  }
  const drifted = new Set(findings.filter(f => f.healed === undefined).map(f => f.logicalId));
  const eventOf = (logicalId: string, type: string, physicalId: string, raw: Record<string, unknown>): OnEventRequest => ({
    RequestType: 'Update',
    ServiceToken: '',
    ResponseURL: '',
    StackId: work.request.stackId,
    RequestId: `drift-audit-${work.auditId}`,
    LogicalResourceId: logicalId,
    ResourceType: type,
    PhysicalResourceId: physicalId,
    ResourceProperties: { ServiceToken: '', ...raw },
    OldResourceProperties: { ServiceToken: '', ...raw },
  });

  // Groups first: a membership's additions need the group as declared.
  await forEachConcurrently(work.groups.filter(g => drifted.has(g.logicalId) && g.live), context.settings.maxConcurrency, async group => {
    try {
      await healPermissionGroup(eventOf(group.logicalId, PERMISSION_GROUP_RESOURCE_TYPE, group.groupId, group.raw), group.live!, context);
      findings.filter(f => f.logicalId === group.logicalId).forEach(f => { f.healed = true; });
    } catch (error) {
      notHealed(group.logicalId, reasonOf(error));
    }
  });
  // Each group's resources one after another: they share the group's listing.
  const pending = work.memberships.filter(m => drifted.has(m.logicalId));
  const byGroup = new Map<string, DeclaredMembershipState[]>();
  for (const m of pending) {
    const key = groupKey(m.props.environmentId, m.props.permissionGroupId);
    byGroup.set(key, [...byGroup.get(key) ?? [], m]);
  }
  await forEachConcurrently([...byGroup.entries()], context.settings.maxConcurrency, async ([key, ofGroup]) => {
    const live = work.listings.get(key)!;
    for (const membership of ofGroup) {
      try {
        const event = eventOf(membership.logicalId, GROUP_MEMBERSHIP_RESOURCE_TYPE, physicalIdOf(membership.props), membership.raw);
        const { stillLeaving, notReached } = await healMembership(event, live, context);
        for (const finding of findings.filter(f => f.logicalId === membership.logicalId && f.healed === undefined)) {
          if (stillLeaving.includes(finding.userId!)) {
            Object.assign(finding, { healed: false, notHealedBecause: 'still leaving the group (REMOVAL_IN_PROGRESS), which FinSpace must finish first: the next audit adds it back' });
          } else if (notReached.includes(finding.userId!)) {
            Object.assign(finding, { healed: false, notHealedBecause: 'the audit ran out of time before this change: the next audit makes it' });
          } else {
            finding.healed = true;
          }
        }
      } catch (error) {
        notHealed(membership.logicalId, reasonOf(error));
      }
    }
  });
}

async function settledStatus(stackId: string, context: InvocationContext): Promise<{ settled: boolean; stackStatus?: string; reason?: string }> {
  try {
    const stackStatus = await context.stackStatus(stackId);
    return SETTLED_STATUSES.has(stackStatus)
      ? { settled: true, stackStatus }
      : { settled: false, stackStatus, reason: `the stack is ${stackStatus}` };
  } catch (error) {
    return { settled: false, reason: `the stack's status is unknown (${(error as Error).message})` };
  }
}

function resolveValue(value: DeclaredValue | undefined, deployTimeValues: readonly string[]): unknown {
  if (value === undefined || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(item => resolveValue(item, deployTimeValues));
  const position = (value as { deployTimeValue: number }).deployTimeValue;
  if (!Number.isInteger(position) || position < 0 || position >= deployTimeValues.length) {
    throw Object.assign(new Error(`deploy-time value ${position} is not in the audit's event`), { name: 'MissingDeployTimeValue' });
  }
  return deployTimeValues[position];
}

function resolveAll(properties: Readonly<Record<string, DeclaredValue>>, deployTimeValues: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, resolveValue(value, deployTimeValues)]));
}

function groupKey(environmentId: string, permissionGroupId: string): string {
  return `${environmentId}/${permissionGroupId}`;
}

function reasonOf(error: unknown): string {
  const { name = 'Error', message = String(error) } = (error ?? {}) as Partial<Error>;
  return name === 'DeploymentFailure' ? message : `${name}: ${message}`;
}

function byResourceAndUser(a: DriftFinding, b: DriftFinding): number {
  return a.logicalId.localeCompare(b.logicalId) || a.kind.localeCompare(b.kind) || (a.userId ?? '').localeCompare(b.userId ?? '');
}
