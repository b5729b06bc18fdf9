/**
 * Behaviours of the service that no source documents, each with its default (the
 * reasons are in README.md) and the check a change must pass; where several answers
 * are plausible, the variants, so a client can be tested against all of them.
 */
import { shapeNamed } from './model';

/** Returns a message when the value is not acceptable. */
export type Check = (value: unknown) => string | undefined;

const setting = <T>(defaultValue: T, check: Check) => ({ defaultValue, check });
const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const count = (defaultValue: number) => setting(defaultValue, (value) => (isCount(value) ? undefined : 'must be an integer >= 0'));
const flag = (defaultValue: boolean) => setting(defaultValue, (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'));
/** A cap whose value in the service is unknown; null = no limit. */
const limit = setting<number | null>(null, (value) => (value === null || isCount(value) ? undefined : 'must be an integer >= 0 or null'));
/** The variants of a case; the first is the default. */
const oneOf = <V extends string>(...variants: [V, ...V[]]) =>
  setting(variants[0], (value) => (variants.includes(value as V) ? undefined : `must be one of ${variants.map((v) => `'${v}'`).join(', ')}`));

/** The model bounds durationInMinutes, so the default must lie within the same range. */
const sessionDuration = setting(60, (value) => {
  const { min = 1, max = Number.MAX_SAFE_INTEGER } = shapeNamed('SessionDuration');
  const inRange = Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
  return inRange ? undefined : `must be an integer from ${min} to ${max} (the model's SessionDuration)`;
});

/** Each explained, with the reason for its default, in README.md (Undocumented behaviours). */
const BEHAVIOURS = {
  additionDelayMs: count(1000),
  removalDelayMs: count(1000),
  userCreationDelayMs: count(0),
  defaultCredentialDurationMinutes: sessionDuration,
  clientTokenTtlMs: count(10 * 60 * 1000),
  associateExistingMember: oneOf('conflict', 'success'),
  associateDuringRemoval: oneOf('conflict', 're-add'),
  disassociateNonMember: oneOf('not-found', 'conflict', 'success'),
  disassociateDuringRemoval: oneOf('conflict', 'success'),
  deleteGroupWithMembers: oneOf('conflict', 'allowed'),
  associateDisabledUser: oneOf('allowed', 'validation', 'conflict'),
  associateCreatingUser: oneOf('allowed', 'validation', 'conflict'),
  associateSuperUser: oneOf('allowed', 'validation'),
  uniqueGroupNames: flag(true),
  uniqueApiAccessPrincipals: flag(true),
  maxPermissionGroups: limit,
  maxActiveUsers: limit,
};

export type EmulatorBehaviour = { readonly [Name in keyof typeof BEHAVIOURS]: (typeof BEHAVIOURS)[Name]['defaultValue'] };

export const DEFAULT_BEHAVIOUR: EmulatorBehaviour = Object.freeze(
  Object.fromEntries(Object.entries(BEHAVIOURS).map(([name, { defaultValue }]) => [name, defaultValue])) as EmulatorBehaviour,
);

/**
 * The problems of a settings object (behaviours, fault options) checked key by
 * key, so that a typo from a test or the admin route fails loudly instead of
 * being ignored. With `undefinedIsAbsent`, a key set to undefined is not checked.
 */
export function checkSettings(
  value: unknown, checks: Readonly<Record<string, Check>>, what: string, unknownKey: string, undefinedIsAbsent = false,
): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be an object`);
  return Object.entries(value).flatMap(([key, field]) => {
    if (field === undefined && undefinedIsAbsent) return [];
    if (!Object.prototype.hasOwnProperty.call(checks, key)) return [`unknown ${unknownKey} '${key}'`];
    const problem = checks[key](field);
    return problem === undefined ? [] : [`${key} ${problem}`];
  });
}

const CHECKS = Object.fromEntries(Object.entries(BEHAVIOURS).map(([name, { check }]) => [name, check]));

/** Applies a partial change after checking every key and value. */
export function changeBehaviour(current: EmulatorBehaviour, change: unknown): EmulatorBehaviour {
  const problems = checkSettings(change, CHECKS, 'behaviour', 'behaviour');
  if (problems.length > 0) throw new Error(`Invalid behaviour: ${problems.join('; ')}`);
  return Object.freeze({ ...current, ...(change as Partial<EmulatorBehaviour>) });
}
