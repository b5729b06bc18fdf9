/**
 * The base credentials a Lambda receives for its execution role.
 *
 * Reads the same three variables as @aws-sdk/credential-provider-env's
 * fromEnv(), which would add about 18 kB to the minified bundle (it imports the
 * @aws-sdk/core client barrel, partition table included) against a 64 kB budget
 * for the whole handler. Pass `credentials: fromEnv()` to use it anyway.
 */
import type { AwsCredentialIdentity } from '@smithy/types';

export async function credentialsFromEnvironment(): Promise<AwsCredentialIdentity> {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('No base AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set.');
  }
  return { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN || undefined };
}
