/**
 * Users by e-mail address, to resolve the members a declaration names by e-mail:
 * the environment's users (ListUsers, one page per 100 users), or the members a
 * listing of the group already carries with their addresses. E-mails are sensitive
 * in the model: what this module reports shows them masked, never whole.
 */
import { DeploymentFailure } from './failure';
import { listAllUsers, type FinSpaceDataClient, type User, type UserByPermissionGroup } from './finspace';
import { maskEmail, normalizeEmail } from '../contract/finspace-users';

export interface UserDirectory {
  /** The user with this e-mail address, compared case-insensitively. */
  byEmail(email: string): User | undefined;
  /** The normalized e-mail address of a user, if the listing had the user. */
  emailOf(userId: string): string | undefined;
}

export async function loadUserDirectory(client: FinSpaceDataClient): Promise<UserDirectory> {
  return directoryOf(await listAllUsers(client));
}

/**
 * The environment's users, listed at the first call and kept for the invocation:
 * however many passes it makes, it lists them at most once (and again only after a
 * listing that failed).
 */
export function userDirectoryOnce(client: FinSpaceDataClient): () => Promise<UserDirectory> {
  let loaded: UserDirectory | undefined;
  return async () => loaded ??= await loadUserDirectory(client);
}

/**
 * The users of a group's listing by e-mail address; complete for `emails` only when
 * `coversEmails` says so.
 */
export function directoryOfMembers(live: ReadonlyMap<string, UserByPermissionGroup>): UserDirectory & {
  /** Whether every member came with its address and every one of `emails` is a member. */
  coversEmails(emails: Iterable<string>): boolean;
} {
  const members = [...live.values()];
  const directory = directoryOf(members);
  const everyAddressKnown = members.every(member => member.emailAddress !== undefined);
  return {
    ...directory,
    coversEmails: emails => everyAddressKnown && [...emails].every(email => directory.byEmail(email) !== undefined),
  };
}

function directoryOf(users: readonly User[]): UserDirectory {
  const byEmail = new Map<string, User>();
  const emailById = new Map<string, string>();
  for (const user of users) {
    if (!user.userId || !user.emailAddress) continue;
    const email = normalizeEmail(user.emailAddress);
    byEmail.set(email, user);
    emailById.set(user.userId, email);
  }
  return {
    byEmail: email => byEmail.get(normalizeEmail(email)),
    emailOf: userId => emailById.get(userId),
  };
}

/** The users that declared e-mail addresses name. */
export interface ResolvedEmails {
  /** The user id of each e-mail FinSpace knows, in declaration order. */
  readonly userIds: string[];
  /** Those of them that FinSpace reports DISABLED. */
  readonly disabled: string[];
  /** Each e-mail FinSpace does not know: its masked form and 1-based position. */
  readonly unknown: string[];
}

export function resolveEmails(emails: readonly string[], directory: UserDirectory): ResolvedEmails {
  const userIds: string[] = [];
  const disabled: string[] = [];
  const unknown: string[] = [];
  emails.forEach((email, index) => {
    const user = directory.byEmail(email);
    if (!user?.userId) {
      unknown.push(`#${index + 1} ${maskEmail(email)}`);
      return;
    }
    userIds.push(user.userId);
    if (user.status === 'DISABLED') disabled.push(user.userId);
  });
  return { userIds, disabled, unknown };
}

/** How many unknown e-mails a failure reason names. */
const NAMED_IN_REASON = 10;

/**
 * Fails the event when a declared e-mail names no FinSpace user, or names a user the
 * declaration also lists by id: one reason for every such e-mail.
 */
export function refuseUnresolvable(
  resolved: ResolvedEmails, emails: readonly string[], declaredUserIds: readonly string[], directory: UserDirectory,
): void {
  const problems: string[] = [];
  if (resolved.unknown.length > 0) {
    const named = resolved.unknown.slice(0, NAMED_IN_REASON).join(', ');
    const more = resolved.unknown.length > NAMED_IN_REASON ? ` and ${resolved.unknown.length - NAMED_IN_REASON} more` : '';
    problems.push(`${resolved.unknown.length} of ${emails.length} declared e-mail addresses name no FinSpace user (${named}${more}); ` +
      'create these users in FinSpace (a FinSpaceUser, say), or correct the addresses');
  }
  const byId = new Set(declaredUserIds);
  const twice = emails
    .map((email, index) => ({ index, userId: directory.byEmail(email)?.userId, email }))
    .filter(({ userId }) => userId !== undefined && byId.has(userId));
  if (twice.length > 0) {
    problems.push(`the same user is declared by id and by e-mail: ${twice.slice(0, NAMED_IN_REASON)
      .map(({ index, userId, email }) => `'${userId}' and e-mail #${index + 1} ${maskEmail(email)}`).join(', ')}; declare each person once`);
  }
  if (problems.length > 0) throw new DeploymentFailure(`${problems.join('; ')}.`);
}
