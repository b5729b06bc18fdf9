/**
 * FinSpace users as the constructs declare them and the handler finds them: the
 * model's constraints on a user's fields, and how a member declared by e-mail is
 * keyed, compared and shown. E-mail addresses are sensitive in the model: nothing
 * logs or reports one whole, only its masked form.
 */

/** Email: 4 to 320 characters, matching the model's pattern whole (as FinSpace applies it). */
export const EMAIL_MIN_LENGTH = 4;
export const EMAIL_MAX_LENGTH = 320;
const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,4}$/;
/** FirstName and LastName: 1 to 50 characters, pattern `.*\S.*`. */
export const PERSON_NAME_MAX_LENGTH = 50;
/** RoleArn, the shape of apiAccessPrincipalArn: 20 to 2,048 characters. */
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ROLE_ARN_MIN_LENGTH = 20;
const ROLE_ARN_MAX_LENGTH = 2048;

/** UserType of the model. */
export const USER_TYPES = ['SUPER_USER', 'APP_USER'] as const;

/** How a member declared by e-mail is keyed among user ids (shards and the declared-members index). */
const EMAIL_KEY_PREFIX = 'email:';

export function isValidEmail(value: string): boolean {
  return typeof value === 'string' && value.length >= EMAIL_MIN_LENGTH && value.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(value);
}

export function isValidPersonName(value: string): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= PERSON_NAME_MAX_LENGTH && /\S/.test(value);
}

export function isValidPrincipalArn(value: string): boolean {
  return typeof value === 'string' && value.length >= ROLE_ARN_MIN_LENGTH && value.length <= ROLE_ARN_MAX_LENGTH && ROLE_ARN_PATTERN.test(value);
}

/**
 * FinSpace treats an e-mail address as the user's identity; the same person may be
 * written with other capitals, so every comparison goes through this form.
 */
export function normalizeEmail(email: string): string {
  return email.toLowerCase();
}

/** The member key of a user declared by e-mail (the constructs refuse user ids that look like one). */
export function emailMemberKey(email: string): string {
  return `${EMAIL_KEY_PREFIX}${normalizeEmail(email)}`;
}

/** The e-mail of a member key made by emailMemberKey, or undefined for a user id. */
export function emailOfMemberKey(key: string): string | undefined {
  return key.startsWith(EMAIL_KEY_PREFIX) ? key.slice(EMAIL_KEY_PREFIX.length) : undefined;
}

/**
 * An e-mail address as messages and logs may show it: the first character of the
 * local part and the domain, `j***@example.com`.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
