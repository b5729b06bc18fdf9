/**
 * Behaviours of the service that no source documents. Each has a default (the
 * reasons are in README.md) and, where several answers are plausible, the other
 * variants, so a client can be tested against all of them.
 */
import { shapeNamed } from './model';

export interface EmulatorBehaviour {
  /** How long a new membership stays ADDITION_IN_PROGRESS. Default 1000. */
  readonly additionDelayMs: number;
  /** How long a removed membership stays REMOVAL_IN_PROGRESS before it disappears. Default 1000. */
  readonly removalDelayMs: number;
  /** How long a user from CreateUser stays CREATING before ENABLED. Default 0. */
  readonly userCreationDelayMs: number;
  /** Lifetime of vended credentials when the request has no durationInMinutes. Default 60. */
  readonly defaultCredentialDurationMinutes: number;
  /** How long a clientToken is remembered. Default 600000 (10 minutes). */
  readonly clientTokenTtlMs: number;
  /** Associate of a user who is already a member (or being added). Default 'conflict'. */
  readonly associateExistingMember: 'conflict' | 'success';
  /** Associate of a user whose membership is REMOVAL_IN_PROGRESS. Default 'conflict'. */
  readonly associateDuringRemoval: 'conflict' | 're-add';
  /** Disassociate of a user who is not a member. Default 'not-found'. */
  readonly disassociateNonMember: 'not-found' | 'conflict' | 'success';
  /** Disassociate of a user whose membership is already REMOVAL_IN_PROGRESS. Default 'conflict'. */
  readonly disassociateDuringRemoval: 'conflict' | 'success';
  /** Delete of a group that still has memberships in any state. Default 'conflict'. */
  readonly deleteGroupWithMembers: 'conflict' | 'allowed';
  /** Associate of a DISABLED user. Default 'allowed'. */
  readonly associateDisabledUser: 'allowed' | 'validation' | 'conflict';
  /** Associate of a CREATING user. Default 'allowed'. */
  readonly associateCreatingUser: 'allowed' | 'validation' | 'conflict';
  /** Associate of a SUPER_USER. Default 'allowed'. */
  readonly associateSuperUser: 'allowed' | 'validation';
  /** Group names unique within an environment (exact match). Default true. */
  readonly uniqueGroupNames: boolean;
  /** At most one user per apiAccessPrincipalArn within an environment. Default true. */
  readonly uniqueApiAccessPrincipals: boolean;
  /** LimitExceededException from CreatePermissionGroup above this many groups; null = no limit. Default null. */
  readonly maxPermissionGroups: number | null;
  /** LimitExceededException from CreateUser / EnableUser above this many non-disabled users; null = no limit. Default null. */
  readonly maxActiveUsers: number | null;
}

export const DEFAULT_BEHAVIOUR: EmulatorBehaviour = Object.freeze({
  additionDelayMs: 1000,
  removalDelayMs: 1000,
  userCreationDelayMs: 0,
  defaultCredentialDurationMinutes: 60,
  clientTokenTtlMs: 10 * 60 * 1000,
  associateExistingMember: 'conflict',
  associateDuringRemoval: 'conflict',
  disassociateNonMember: 'not-found',
  disassociateDuringRemoval: 'conflict',
  deleteGroupWithMembers: 'conflict',
  associateDisabledUser: 'allowed',
  associateCreatingUser: 'allowed',
  associateSuperUser: 'allowed',
  uniqueGroupNames: true,
  uniqueApiAccessPrincipals: true,
  maxPermissionGroups: null,
  maxActiveUsers: null,
});

/** Returns a message when the value is not acceptable. */
type Check = (value: unknown) => string | undefined;

const nonNegativeInteger: Check = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'must be an integer >= 0';

const optionalLimit: Check = (value) =>
  value === null || (Number.isSafeInteger(value) && (value as number) >= 0) ? undefined : 'must be an integer >= 0 or null';

const flag: Check = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');

const oneOf = (...variants: string[]): Check => (value) =>
  typeof value === 'string' && variants.includes(value) ? undefined : `must be one of ${variants.map((v) => `'${v}'`).join(', ')}`;

/** The model bounds durationInMinutes, so the default must lie within the same range. */
const sessionDuration: Check = (value) => {
  const { min = 1, max = Number.MAX_SAFE_INTEGER } = shapeNamed('SessionDuration');
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
    ? undefined
    : `must be an integer from ${min} to ${max} (the model's SessionDuration)`;
};

const CHECKS: { readonly [K in keyof EmulatorBehaviour]: Check } = {
  additionDelayMs: nonNegativeInteger,
  removalDelayMs: nonNegativeInteger,
  userCreationDelayMs: nonNegativeInteger,
  defaultCredentialDurationMinutes: sessionDuration,
  clientTokenTtlMs: nonNegativeInteger,
  associateExistingMember: oneOf('conflict', 'success'),
  associateDuringRemoval: oneOf('conflict', 're-add'),
  disassociateNonMember: oneOf('not-found', 'conflict', 'success'),
  disassociateDuringRemoval: oneOf('conflict', 'success'),
  deleteGroupWithMembers: oneOf('conflict', 'allowed'),
  associateDisabledUser: oneOf('allowed', 'validation', 'conflict'),
  associateCreatingUser: oneOf('allowed', 'validation', 'conflict'),
  associateSuperUser: oneOf('allowed', 'validation'),
  uniqueGroupNames: flag,
  uniqueApiAccessPrincipals: flag,
  maxPermissionGroups: optionalLimit,
  maxActiveUsers: optionalLimit,
};

/**
 * Applies a partial change after checking every key and value, so that a typo
 * from a test or the admin route fails loudly instead of being ignored.
 */
export function changeBehaviour(current: EmulatorBehaviour, change: unknown): EmulatorBehaviour {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    throw new Error('behaviour must be an object');
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(change)) {
    if (!Object.prototype.hasOwnProperty.call(CHECKS, key)) {
      problems.push(`unknown behaviour '${key}'`);
      continue;
    }
    const problem = CHECKS[key as keyof EmulatorBehaviour](value);
    if (problem) problems.push(`${key} ${problem}`);
  }
  if (problems.length > 0) throw new Error(`Invalid behaviour: ${problems.join('; ')}`);
  return Object.freeze({ ...current, ...(change as Partial<EmulatorBehaviour>) });
}
