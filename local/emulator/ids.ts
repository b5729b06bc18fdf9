/**
 * Ids in the forms the service uses, from the cryptographic RNG, so nothing a
 * test could guess or depend on. randomInt draws uniformly, so they are unbiased.
 */
import { randomInt } from 'crypto';

const randomString = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/** 22 base62 characters (~131 bits), within the model's 1..26 for user and group ids. */
export function newResourceId(): string {
  return randomString('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 22);
}

/** `ASIA` marks temporary credentials in AWS access key ids; 20 characters in all, base32. */
export function newTemporaryAccessKeyId(): string {
  return `ASIA${randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
}
