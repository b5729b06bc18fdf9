/**
 * What one revision of a chaos app declares, as plain data: the permission groups the
 * stack creates and the memberships it declares, on groups it creates or on groups
 * that exist in FinSpace already. The plan (plan.ts) produces revisions, the app
 * (app.ts) synthesizes them, the expectation (expectation.ts) checks FinSpace against them.
 */
import { IMPORTED_GROUPS } from './environments';
import { ApplicationPermission } from '../../lib/application-permission';

/** The two FinSpace environments of the chaos world: a group moving between them is replaced. */
export type EnvironmentKey = 'a' | 'b';
export const ENVIRONMENT_KEYS: readonly EnvironmentKey[] = ['a', 'b'];

export interface GroupDeclaration {
  /** Construct id in the stack. */
  readonly id: string;
  readonly environment: EnvironmentKey;
  readonly name: string;
  readonly description?: string;
  readonly permissions: readonly ApplicationPermission[];
  /** RemovalPolicy.RETAIN: removed from the stack (or replaced), the group stays in FinSpace. */
  readonly retain: boolean;
}

/** A group the stack creates (by construct id) or imports (by FinSpace id). */
export type GroupRef = { readonly created: string } | { readonly imported: string };

export interface MembershipDeclaration {
  /** Construct id in the stack. */
  readonly id: string;
  readonly group: GroupRef;
  readonly users: readonly string[];
  readonly exclusive: boolean;
  /** RemovalPolicy.RETAIN: removed from the stack (or moved), its users stay members. */
  readonly retain: boolean;
  /** Memberships (construct ids) that CloudFormation must change before this one. */
  readonly after?: readonly string[];
  /** FinSpaceUsers of the revision (construct ids) that are members too, by the construct. */
  readonly people?: readonly string[];
}

/** A FinSpace user of the stack (FinSpaceUser): created, or adopted when its address exists already. */
export interface PersonDeclaration {
  /** Construct id in the stack. */
  readonly id: string;
  readonly environment: EnvironmentKey;
  /** Fixed for the life of the construct id: FinSpace cannot change a user's address. */
  readonly email: string;
  readonly firstName: string;
  /** Undefined: never declared (FinSpace keeps what the user had). */
  readonly lastName?: string;
  readonly type: 'APP_USER' | 'SUPER_USER';
  /** RemovalPolicy.RETAIN: removed from the stack, the user stays enabled; otherwise it is disabled. */
  readonly retain: boolean;
}

export interface Declaration {
  readonly groups: readonly GroupDeclaration[];
  readonly memberships: readonly MembershipDeclaration[];
  /** FinSpaceUsers of the stack; none when absent. */
  readonly people?: readonly PersonDeclaration[];
}

export const EMPTY_DECLARATION: Declaration = { groups: [], memberships: [] };

/** A group that exists before the stack, in one environment, with members of its own. */
export interface ImportedGroup {
  readonly permissionGroupId: string;
  readonly environment: EnvironmentKey;
  readonly name: string;
}

/**
 * Where a group lives in FinSpace, independent of revisions: a created group moved
 * to another environment is another group (the old one is deleted or retained).
 */
export function groupIdentity(declaration: Declaration, ref: GroupRef): string {
  if ('imported' in ref) return `imported:${ref.imported}`;
  const group = declaration.groups.find(g => g.id === ref.created);
  if (!group) throw new Error(`membership refers to group ${ref.created}, which the revision does not declare`);
  return `${group.id}@${group.environment}`;
}

export function environmentOf(declaration: Declaration, ref: GroupRef): EnvironmentKey {
  if ('imported' in ref) return IMPORTED_GROUPS.find(g => g.permissionGroupId === ref.imported)!.environment;
  return declaration.groups.find(g => g.id === ref.created)!.environment;
}

export function sameRef(a: GroupRef, b: GroupRef): boolean {
  return 'imported' in a ? 'imported' in b && a.imported === b.imported : 'created' in b && a.created === b.created;
}

/** The address of the n-th person the plan declares: no seeded user has one of this form. */
export function personEmail(n: number): string {
  return `person${n}@example.com`;
}

export function isPersonEmail(email: string): boolean {
  return /^person\d+@example\.com$/i.test(email);
}

/** One line per group, membership and person, for failure reports. */
export function describeDeclaration(declaration: Declaration): string[] {
  const groupLines = declaration.groups.map(g =>
    `group ${g.id} in ${g.environment}: '${g.name}' [${g.permissions.join(', ')}]${g.description ? ` "${g.description}"` : ''}${g.retain ? ' (retain)' : ''}`);
  const membershipLines = declaration.memberships.map(m =>
    `membership ${m.id} on ${'imported' in m.group ? `imported ${m.group.imported}` : m.group.created}: ` +
    `${m.exclusive ? 'exclusive' : 'additive'} [${[...m.users, ...m.people ?? []].join(', ')}]${m.retain ? ' (retain)' : ''}`);
  const personLines = (declaration.people ?? []).map(p =>
    `person ${p.id} in ${p.environment}: ${p.email} ${p.type} '${p.firstName} ${p.lastName ?? ''}'${p.retain ? ' (retain)' : ''}`);
  return [...groupLines, ...membershipLines, ...personLines];
}
