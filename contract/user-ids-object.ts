/**
 * Where a membership's user ids travel: in the template, or, for a large
 * declaration, in an S3 object that the template names by bucket, key and digest.
 *
 * Inline ids are what `cdk diff` shows of who gets access, so small declarations keep
 * them. But every id costs the template up to 35 bytes against CloudFormation's
 * 1,000,000-byte limit, and each event carries the list twice (new and old
 * properties) through the Provider framework's Step Functions waiter, whose state
 * limit is 256 KiB: about 4,470 ids of 26 characters fill it exactly (see the test).
 * 3,000 leave a third of it for growth of the event and the answer; beyond that the
 * ids go into the object, and one resource holds a group of any size.
 */
export const MAX_INLINE_USER_IDS = 3000;

/**
 * The file extension of a user-id object, and so the end of its S3 key (the CDK puts
 * a file asset at `<hash><extension>`): the handler may read the objects that end so
 * in the stack's asset bucket, and no other object there.
 */
export const USER_IDS_OBJECT_EXTENSION = '.finspace-user-ids';

/** The object's content: the ids, sorted, as a JSON array (UTF-8). */
export function userIdsObjectContent(userIds: readonly string[]): string {
  return JSON.stringify([...userIds].sort());
}

/** The content back as ids; throws on anything but an array of non-empty strings. */
export function parseUserIdsObjectContent(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || value.some(item => typeof item !== 'string' || item.length === 0)) {
    throw new Error('the object is not a JSON array of non-empty user ids');
  }
  return value as string[];
}
