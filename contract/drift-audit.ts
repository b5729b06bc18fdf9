/**
 * The drift audit: what the provider publishes for it (the stack's declared
 * resources, in the layer beside the declared members), what its schedule hands it,
 * and what it reports (findings and metrics).
 */
import type { ResourceType } from './resource-types';

/** Where the declared resources sit in the layer, and so under /opt in the function. */
export const DECLARED_RESOURCES_FILE = 'finspace/declared-resources.json';

/** CloudWatch namespace of the audit's metrics. */
export const DRIFT_METRICS_NAMESPACE = 'FinSpacePermissionGroups';
/** The one dimension of the audit's metrics. */
export const DRIFT_METRICS_DIMENSION = 'StackName';
export const DRIFTED_GROUPS_METRIC = 'DriftedGroups';
export const DRIFTED_MEMBERS_METRIC = 'DriftedMembers';

/**
 * A value known only at deploy time (a group's id, a token environment id): the
 * position of the value in `AuditRequest.deployTimeValues`.
 */
export interface DeployTimeValue {
  readonly deployTimeValue: number;
}

/** A resource property as the file carries it: literals, or positions of deploy-time values. */
export type DeclaredValue = string | DeployTimeValue | readonly DeclaredValue[];

/** One custom resource of the stack that the audit compares with FinSpace. */
export interface DeclaredResource {
  readonly logicalId: string;
  readonly type: ResourceType;
  /** The resource's ResourceProperties, without the ServiceToken. */
  readonly properties: Readonly<Record<string, DeclaredValue>>;
  /** A permission group's physical id (its group id): always a deploy-time value. */
  readonly physicalId?: DeclaredValue;
}

export interface DeclaredResources {
  readonly resources: readonly DeclaredResource[];
}

/**
 * The audit function's event: what the schedule sends (the stack, the deploy-time
 * values), and `heal` as configured; a manual run may override `heal`.
 */
export interface AuditRequest {
  readonly stackId: string;
  readonly heal?: boolean;
  readonly deployTimeValues: readonly string[];
}

/** The kinds of drift the audit reports. */
export type DriftKind =
  | 'GroupDeleted'
  | 'GroupRenamed'
  | 'DescriptionChanged'
  | 'PermissionsChanged'
  | 'MemberMissing'
  | 'MemberExtra';

/** One finding: ids only, never a name or a description (sensitive in the API model). */
export interface DriftFinding {
  readonly kind: DriftKind;
  /** The declaring resource's logical id. */
  readonly logicalId: string;
  readonly permissionGroupId: string;
  /** MemberMissing, MemberExtra. */
  readonly userId?: string;
  /** PermissionsChanged: the permissions FinSpace grants beyond the declaration. */
  readonly permissionsAdded?: readonly string[];
  /** PermissionsChanged: declared permissions that FinSpace does not grant. */
  readonly permissionsRemoved?: readonly string[];
  /** With healing: whether the audit put it back (a deleted group never is). */
  readonly healed?: boolean;
  /** Why it was not healed, when healing was asked. */
  readonly notHealedBecause?: string;
}

/** The audit function's answer. */
export interface AuditResult {
  /** False when the stack was busy (or its status unknown): nothing was compared. */
  readonly audited: boolean;
  readonly stackStatus?: string;
  /** Why the audit did nothing, when it did nothing. */
  readonly skippedBecause?: string;
  readonly healRequested: boolean;
  readonly findings: readonly DriftFinding[];
  readonly driftedGroups: number;
  readonly driftedMembers: number;
  /** Resources the audit could not compare (e.g. a group whose id it could not resolve), by logical id. */
  readonly notCompared: readonly string[];
}

/** Whether a finding concerns a group itself (else a member). */
export function isGroupDrift(kind: DriftKind): boolean {
  return kind !== 'MemberMissing' && kind !== 'MemberExtra';
}
