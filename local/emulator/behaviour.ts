/**
 * Behaviours of the service that no source documents. Each has a default (the
 * reasons are in README.md) and, where several answers are plausible, the other
 * variants, so a client can be tested against all of them.
 */
import { shapeNamed } from './model';

/**
 * What a request meeting each case gets; the first variant is the default.
 * associateExistingMember: Associate of a user who is already a member (or being added).
 * associateDuringRemoval / disassociateDuringRemoval: a membership that is REMOVAL_IN_PROGRESS.
 * disassociateNonMember: Disassociate of a user who is not a member.
 * deleteGroupWithMembers: Delete of a group that still has memberships in any state.
 * associateDisabledUser / associateCreatingUser / associateSuperUser: Associate of such a user.
 */
const VARIANTS = {
  associateExistingMember: ['conflict', 'success'],
  associateDuringRemoval: ['conflict', 're-add'],
  disassociateNonMember: ['not-found', 'conflict', 'success'],
  disassociateDuringRemoval: ['conflict', 'success'],
  deleteGroupWithMembers: ['conflict', 'allowed'],
  associateDisabledUser: ['allowed', 'validation', 'conflict'],
  associateCreatingUser: ['allowed', 'validation', 'conflict'],
  associateSuperUser: ['allowed', 'validation'],
} as const;

type VariantBehaviours = { readonly [Name in keyof typeof VARIANTS]: (typeof VARIANTS)[Name][number] };

/** Returns a message when the value is not acceptable. */
export type Check = (value: unknown) => string | undefined;

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const nonNegativeInteger: Check = (value) => (isCount(value) ? undefined : 'must be an integer >= 0');
const optionalLimit: Check = (value) => (value === null || isCount(value) ? undefined : 'must be an integer >= 0 or null');
const flag: Check = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');
const oneOf = (variants: readonly string[]): Check => (value) =>
  typeof value === 'string' && variants.includes(value) ? undefined : `must be one of ${variants.map((v) => `'${v}'`).join(', ')}`;

/** The model bounds durationInMinutes, so the default must lie within the same range. */
const sessionDuration: Check = (value) => {
  const { min = 1, max = Number.MAX_SAFE_INTEGER } = shapeNamed('SessionDuration');
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
    ? undefined
    : `must be an integer from ${min} to ${max} (the model's SessionDuration)`;
};

const setting = <T>(defaultValue: T, check: Check) => ({ defaultValue, check });

/** The behaviours that are a number or a switch: each with its default and the check a change must pass. */
const SETTINGS = {
  /** How long a new membership stays ADDITION_IN_PROGRESS. Default 1000. */
  additionDelayMs: setting(1000, nonNegativeInteger),
  /** How long a removed membership stays REMOVAL_IN_PROGRESS before it disappears. Default 1000. */
  removalDelayMs: setting(1000, nonNegativeInteger),
  /** How long a user from CreateUser stays CREATING before ENABLED. Default 0. */
  userCreationDelayMs: setting(0, nonNegativeInteger),
  /** Lifetime of vended credentials when the request has no durationInMinutes. Default 60. */
  defaultCredentialDurationMinutes: setting(60, sessionDuration),
  /** How long a clientToken is remembered. Default 600000 (10 minutes). */
  clientTokenTtlMs: setting(10 * 60 * 1000, nonNegativeInteger),
  /** Group names unique within an environment (exact match). Default true. */
  uniqueGroupNames: setting(true, flag),
  /** At most one user per apiAccessPrincipalArn within an environment. Default true. */
  uniqueApiAccessPrincipals: setting(true, flag),
  /** LimitExceededException from CreatePermissionGroup above this many groups; null = no limit. Default null. */
  maxPermissionGroups: setting<number | null>(null, optionalLimit),
  /** LimitExceededException from CreateUser / EnableUser above this many non-disabled users; null = no limit. Default null. */
  maxActiveUsers: setting<number | null>(null, optionalLimit),
};

type SettingBehaviours = { readonly [Name in keyof typeof SETTINGS]: (typeof SETTINGS)[Name]['defaultValue'] };

export interface EmulatorBehaviour extends VariantBehaviours, SettingBehaviours {}

const settingEntries = Object.entries(SETTINGS);
const variantEntries = Object.entries(VARIANTS);

const settingDefaults = Object.fromEntries(settingEntries.map(([name, { defaultValue }]) => [name, defaultValue])) as SettingBehaviours;
const variantDefaults = Object.fromEntries(variantEntries.map(([name, variants]) => [name, variants[0]])) as VariantBehaviours;

export const DEFAULT_BEHAVIOUR: EmulatorBehaviour = Object.freeze({ ...settingDefaults, ...variantDefaults });

const CHECKS: Readonly<Record<string, Check>> = {
  ...Object.fromEntries(settingEntries.map(([name, { check }]) => [name, check])),
  ...Object.fromEntries(variantEntries.map(([name, variants]) => [name, oneOf(variants)])),
};

/**
 * The problems of a settings object (behaviours, fault options) checked key by
 * key, so that a typo from a test or the admin route fails loudly instead of
 * being ignored. With `undefinedIsAbsent`, a key set to undefined is not checked.
 */
export function checkSettings(
  value: unknown,
  checks: Readonly<Record<string, Check>>,
  what: string,
  unknownKey: string,
  undefinedIsAbsent = false,
): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be an object`);
  return Object.entries(value).flatMap(([key, field]) => {
    if (field === undefined && undefinedIsAbsent) return [];
    if (!Object.prototype.hasOwnProperty.call(checks, key)) return [`unknown ${unknownKey} '${key}'`];
    const problem = checks[key](field);
    return problem === undefined ? [] : [`${key} ${problem}`];
  });
}

/** Applies a partial change after checking every key and value. */
export function changeBehaviour(current: EmulatorBehaviour, change: unknown): EmulatorBehaviour {
  const problems = checkSettings(change, CHECKS, 'behaviour', 'behaviour');
  if (problems.length > 0) throw new Error(`Invalid behaviour: ${problems.join('; ')}`);
  return Object.freeze({ ...current, ...(change as Partial<EmulatorBehaviour>) });
}
