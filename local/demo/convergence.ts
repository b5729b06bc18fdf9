/**
 * Whether FinSpace holds what a synthesized stack declares, read independently of the
 * runner (the template against the emulator's state). In the demo nobody else touches
 * the groups, so they must be exactly the declared ones, every member ADDITION_SUCCESS.
 */
import { normalizeEmail } from '../../contract/finspace-users';
import { FINSPACE_USER_RESOURCE_TYPE, GROUP_MEMBERSHIP_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE } from '../../contract/resource-types';
import type { EmulatorSnapshot } from '../emulator';
import type { AssemblyStack } from '../runner';

export type DeclaredGroup = ReturnType<typeof declaredGroups>[number];

/** The e-mail addresses of the FinSpace users a stack creates, which must be ENABLED. */
export function declaredUsers(stack: AssemblyStack): string[] {
  return Object.values(stack.template.Resources ?? {})
    .filter(r => r.Type === FINSPACE_USER_RESOURCE_TYPE)
    .map(r => r.Properties!.EmailAddress as string);
}

/** The permission groups a stack creates and the members it declares for them. */
export function declaredGroups(stack: AssemblyStack) {
  const resources = Object.entries(stack.template.Resources ?? {});
  const membershipsOf = (groupLogicalId: string) => resources
    .filter(([, r]) => r.Type === GROUP_MEMBERSHIP_RESOURCE_TYPE && (r.Properties?.PermissionGroupId as { Ref?: string })?.Ref === groupLogicalId)
    .map(([, r]) => r.Properties!);
  return resources
    .filter(([, r]) => r.Type === PERMISSION_GROUP_RESOURCE_TYPE)
    .map(([logicalId, r]) => ({
      name: r.Properties!.PermissionGroupName as string,
      description: r.Properties!.Description as string | undefined,
      applicationPermissions: r.Properties!.ApplicationPermissions as string[],
      members: membershipsOf(logicalId).flatMap(properties => properties.UserIds as string[]),
      // Members declared by e-mail address (FinSpaceUsers of the stack among them).
      memberEmails: membershipsOf(logicalId).flatMap(properties => (properties.Emails ?? []) as string[]),
    }));
}

/** What differs between the declaration and the environment; empty when they agree. */
export function convergenceProblems(
  declared: readonly DeclaredGroup[], snapshot: EmulatorSnapshot, environmentId: string, users: readonly string[] = [],
): string[] {
  const environment = snapshot.environments.find(e => e.environmentId === environmentId);
  if (!environment) return [`environment ${environmentId} does not exist`];
  const userByEmail = (email: string) => environment.users.find(user => normalizeEmail(user.emailAddress) === normalizeEmail(email));
  const problems = [
    ...users.map(email => [email, userByEmail(email)?.status] as const).filter(([, status]) => status !== 'ENABLED')
      .map(([email, status]) => `FinSpace user ${email} is ${status ?? 'missing'}, declared ENABLED`),
    ...environment.permissionGroups.filter(group => !declared.some(d => d.name === group.name))
      .map(group => `group '${group.name}' exists but is not declared`),
  ];
  for (const wanted of declared) {
    const found = environment.permissionGroups.filter(g => g.name === wanted.name);
    if (found.length !== 1) {
      problems.push(`group '${wanted.name}' exists ${found.length} times, not once`);
      continue;
    }
    const [group] = found;
    if (!sameSet(group.applicationPermissions, wanted.applicationPermissions)) {
      problems.push(`group '${wanted.name}' has permissions [${group.applicationPermissions.join(', ')}], declared [${wanted.applicationPermissions.join(', ')}]`);
    }
    if (wanted.description !== undefined && group.description !== wanted.description) {
      problems.push(`group '${wanted.name}' has another description than declared`);
    }
    const members = group.members.map(m => m.userId);
    const declaredMembers = [...wanted.members, ...wanted.memberEmails.map(email => userByEmail(email)?.userId ?? `(no user for ${email})`)];
    if (!sameSet(members, declaredMembers)) {
      problems.push(`group '${wanted.name}' has members [${members.join(', ')}], declared [${declaredMembers.join(', ')}]`);
    }
    for (const member of group.members.filter(m => m.membershipStatus !== 'ADDITION_SUCCESS')) {
      problems.push(`member '${member.userId}' of group '${wanted.name}' is ${member.membershipStatus}`);
    }
  }
  return problems;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && new Set(a).size === new Set([...a, ...b]).size;
}
