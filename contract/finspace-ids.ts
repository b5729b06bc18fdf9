/**
 * The constraints of the FinSpace Data API model on the values this library sends:
 * the constructs reject a bad value at synth time, the handler recognizes a real id.
 */

/** IdType, UserId and PermissionGroupId: 1 to 26 characters, pattern `.*\S.*`. */
export const ID_MAX_LENGTH = 26;
/** PermissionGroupName: 1 to 255 characters, pattern `.*\S.*`. */
export const NAME_MAX_LENGTH = 255;
/** PermissionGroupDescription: 1 to 4,000 characters. */
export const DESCRIPTION_MAX_LENGTH = 4000;

/** A user, permission group or environment id as the model allows it. */
export function isValidId(value: string): boolean {
  return isBounded(value, ID_MAX_LENGTH) && /\S/.test(value);
}

/**
 * Whether an id begins or ends with blanks. The model's pattern allows them, but
 * FinSpace makes no such ids: a declared ' alice ' can only be a typo of 'alice'.
 */
export function hasSurroundingBlanks(value: string): boolean {
  return typeof value === 'string' && value.trim() !== value;
}

/** A permission group name as the model allows it. */
export function isValidName(value: string): boolean {
  return isBounded(value, NAME_MAX_LENGTH) && /\S/.test(value);
}

/** A permission group description as the model allows it. */
export function isValidDescription(value: string): boolean {
  return isBounded(value, DESCRIPTION_MAX_LENGTH);
}

function isBounded(value: string, maxLength: number): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= maxLength;
}
