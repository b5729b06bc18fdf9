/**
 * The user ids of a large membership, which the template names by bucket, key and
 * digest instead of listing them (contract/user-ids-object.ts): read from S3 with a
 * SigV4-signed GET, checked against the digest, and put in the event's properties, so
 * that the lifecycle sees every membership's users as one list, whichever way they
 * travelled. The old properties of an update or a rollback name their own object,
 * which the stack's asset bucket keeps.
 */
import { createHash } from 'node:crypto';
import { DeploymentFailure } from './failure';
import type { RawResponse } from './finspace/transport';
import { InvalidPropertiesError } from './properties';
import type { OnEventRequest } from './provider-types';
import { errorCodeOf, sendSigned, type AwsCallOptions } from './signed-request';
import type { GroupMembershipWireProperties } from '../contract/resource-properties';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE } from '../contract/resource-types';
import { parseUserIdsObjectContent } from '../contract/user-ids-object';

/** The SDK's service-specific endpoint variable for S3 (path-style requests when set). */
export const S3_ENDPOINT_ENV = 'AWS_ENDPOINT_URL_S3';

/** An object that holds user ids, as the properties name it. */
export interface UserIdsObjectLocation {
  readonly bucket: string;
  readonly key: string;
  /** SHA-256 of the content, lowercase hex. */
  readonly sha256: string;
}

/** Reads an object's bytes; the default reads S3. */
export type ObjectReader = (location: UserIdsObjectLocation) => Promise<Buffer>;

/** Objects kept per container by digest (content-addressed, so never stale): an update and its rollback need two. */
const CACHED_OBJECTS = 4;
const cache = new Map<string, readonly string[]>();

/**
 * The event with the users of each object-backed property set listed in UserIds
 * (after those known only at deploy time, which stay in the template); other events
 * unchanged.
 */
export async function withUserIdsInline<E extends OnEventRequest>(event: E, read: ObjectReader = readS3Object): Promise<E> {
  if (event.ResourceType !== GROUP_MEMBERSHIP_RESOURCE_TYPE) return event;
  const resolved: Record<string, unknown> = {};
  for (const name of ['ResourceProperties', 'OldResourceProperties'] as const) {
    const props = (event as unknown as Record<string, unknown>)[name] as Record<string, unknown> | undefined;
    const location = props && locationOf(props);
    if (location) resolved[name] = { ...props, UserIds: [...inlineUserIds(props), ...await userIdsIn(location, read)] };
  }
  return Object.keys(resolved).length === 0 ? event : { ...event, ...resolved };
}

/** The object the properties name, if they name one; throws when they name it only in part. */
function locationOf(props: Record<string, unknown>): UserIdsObjectLocation | undefined {
  const keys: Array<keyof GroupMembershipWireProperties> = ['UserIdsBucket', 'UserIdsKey', 'UserIdsSha256'];
  const [bucket, key, sha256] = keys.map(name => props[name]);
  if (bucket === undefined && key === undefined && sha256 === undefined) return undefined;
  if (typeof bucket !== 'string' || !bucket || typeof key !== 'string' || !key || typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new InvalidPropertiesError('UserIdsBucket and UserIdsKey must be non-empty strings and UserIdsSha256 64 lowercase hex digits, all three or none');
  }
  return { bucket, key, sha256 };
}

function inlineUserIds(props: Record<string, unknown>): unknown[] {
  const inline = (props as GroupMembershipWireProperties).UserIds;
  // Malformed lists are the property parser's to report.
  return Array.isArray(inline) ? inline : [];
}

async function userIdsIn(location: UserIdsObjectLocation, read: ObjectReader): Promise<readonly string[]> {
  const cached = cache.get(location.sha256);
  if (cached) return cached;
  const where = `s3://${location.bucket}/${location.key}`;
  const body = await read(location);
  const digest = createHash('sha256').update(body).digest('hex');
  if (digest !== location.sha256) {
    throw new DeploymentFailure(`the user ids in ${where} do not match their digest (SHA-256 ${digest}, expected ${location.sha256}): ` +
      'the object was changed after cdk deploy uploaded it. Deploy again to upload it anew.');
  }
  let userIds: string[];
  try {
    userIds = parseUserIdsObjectContent(body.toString('utf8'));
  } catch (error) {
    throw new DeploymentFailure(`the user ids in ${where} cannot be read: ${(error as Error).message}.`);
  }
  if (cache.size >= CACHED_OBJECTS) cache.delete(cache.keys().next().value!);
  cache.set(location.sha256, userIds);
  return userIds;
}

/** GETs an object from S3 in the function's region, signed with the role's credentials. */
export async function readS3Object(location: UserIdsObjectLocation, options: AwsCallOptions = {}): Promise<Buffer> {
  const env = options.env ?? process.env;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no AWS_REGION to read S3 in');
  const key = location.key.split('/').map(encodeURIComponent).join('/');
  const custom = env[S3_ENDPOINT_ENV] || env.AWS_ENDPOINT_URL;
  const url = custom
    ? new URL(`${custom.replace(/\/+$/, '')}/${location.bucket}/${key}`)
    : new URL(`https://${location.bucket}.s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/${key}`);
  const where = `s3://${location.bucket}/${location.key}`;
  let response: RawResponse;
  try {
    // S3 signs the path as sent, without encoding it a second time.
    response = await sendSigned({ service: 's3', region, method: 'GET', url, uriEscapePath: false, credentials: options.credentials, now: options.now });
  } catch (error) {
    throw new DeploymentFailure(`could not read the user ids in ${where}: ${(error as Error).message}.`);
  }
  if (response.statusCode !== 200) {
    const code = errorCodeOf(response) ?? `HTTP ${response.statusCode}`;
    throw new DeploymentFailure(`could not read the user ids in ${where}: S3 answered ${code}. ` +
      'cdk deploy uploads the object with the template; the handler\'s role needs s3:GetObject on it (and kms:Decrypt if the bucket uses a customer managed key).');
  }
  return Buffer.from(response.body, 'utf8');
}
