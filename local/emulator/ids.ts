/**
 * Identifiers and secrets in the forms the service uses: opaque resource ids,
 * AWS-style temporary access keys and request ids. All come from the
 * cryptographic RNG, so nothing a test could guess or depend on.
 */
import { randomBytes, randomInt, randomUUID } from 'crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Unbiased: randomInt draws uniformly. */
const randomString = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/** 22 base62 characters (~131 bits), within the model's 1..26 for user and group ids. */
export function newResourceId(): string {
  return randomString(BASE62, 22);
}

/** `ASIA` marks temporary credentials in AWS access key ids; 20 characters in all. */
export function newTemporaryAccessKeyId(): string {
  return `ASIA${randomString(BASE32, 16)}`;
}

export function newSecretAccessKey(): string {
  return randomString(BASE64, 40);
}

/** Opaque, well within the model's 1000-character limit for `sessionToken`. */
export function newSessionToken(): string {
  return randomBytes(240).toString('base64');
}

export function newRequestId(): string {
  return randomUUID();
}
