/**
 * The handler's SigV4 signer against the AWS SDK's own (@smithy/signature-v4, which
 * the emulator also verifies with): the same request, keys and time must carry the
 * same headers, byte for byte, in every shape the handler sends.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, HttpRequest as HttpRequestShape } from '@smithy/types';
import { signRequest } from '../../../lambda/finspace';

const SIGNING_DATE = new Date(Date.UTC(2026, 11, 6, 5, 58, 31, 417));
const ROLE_KEYS: AwsCredentialIdentity = { accessKeyId: 'AKIDROLEEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SESSION_KEYS: AwsCredentialIdentity = { ...ROLE_KEYS, accessKeyId: 'ASIAVENDED', sessionToken: 'FwoGZXIvYXdzEBYaDH+token/with=chars' };

async function sdkSigned(request: HttpRequestShape, service: string, credentials: AwsCredentialIdentity, uriEscapePath = true) {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Sha256, uriEscapePath });
  return (await signer.sign(new HttpRequest(request), { signingDate: SIGNING_DATE })).headers;
}

const base = { protocol: 'https:', hostname: 'finspace-api.us-east-1.amazonaws.com', headers: { host: 'finspace-api.us-east-1.amazonaws.com' } };

const cases: ReadonlyArray<readonly [string, HttpRequestShape, string, AwsCredentialIdentity, boolean]> = [
  [
    'a FinSpace listing: query with characters RFC 3986 escapes, a session token',
    { ...base, method: 'GET', path: '/permission-group/g%2F1/users', query: { maxResults: '100', nextToken: "a b+c/d=e!'()*" }, headers: { ...base.headers } },
    'finspace-api',
    SESSION_KEYS,
    true,
  ],
  [
    'a FinSpace write: JSON body, label with reserved characters, dot segments',
    {
      ...base,
      method: 'POST',
      path: '/permission-group/./a%20b/../group%3Aid/users/user@example',
      query: {},
      headers: { ...base.headers, 'content-type': 'application/json', 'content-length': '27', 'X-Custom': '  two   spaces  ', 'user-agent': 'left out' },
      body: '{"userId":"ü","x":"\\u0000"}',
    },
    'finspace-api',
    SESSION_KEYS,
    true,
  ],
  [
    'the credentials call with the role\'s keys (no session token)',
    { ...base, method: 'POST', path: '/credentials/programmatic', query: {}, headers: { ...base.headers }, body: '{"environmentId":"e1","durationInMinutes":60}' },
    'finspace-api',
    ROLE_KEYS,
    true,
  ],
  [
    'an S3 object: the path signed as sent',
    {
      protocol: 'https:',
      hostname: 'bucket.s3.us-east-1.amazonaws.com',
      method: 'GET',
      path: '/assets/a%20b/c%2Bd.json',
      query: {},
      headers: { host: 'bucket.s3.us-east-1.amazonaws.com' },
    },
    's3',
    SESSION_KEYS,
    false,
  ],
  [
    'Parameter Store: a JSON target header, a port in the host',
    {
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      method: 'POST',
      path: '/',
      query: {},
      headers: { 'host': '127.0.0.1:4566', 'x-amz-target': 'AmazonSSM.PutParameter', 'content-type': 'application/x-amz-json-1.1' },
      body: '{"Name":"/a/b","Value":"[]"}',
    },
    'ssm',
    ROLE_KEYS,
    true,
  ],
];

describe('signRequest', () => {
  test.each(cases)('%s: the same headers as the SDK signer', async (_, request, service, credentials, uriEscapePath) => {
    const ours = signRequest(request, { service, region: 'us-east-1', credentials, uriEscapePath }, SIGNING_DATE);
    expect(ours.headers).toEqual(await sdkSigned(request, service, credentials, uriEscapePath));
  });

  test('a new signature replaces the previous attempt\'s, and the request given is left as it was', async () => {
    const request = cases[0][1];
    const before = JSON.stringify(request);
    const first = signRequest(request, { service: 'finspace-api', region: 'us-east-1', credentials: SESSION_KEYS }, new Date(0));
    const again = signRequest(first, { service: 'finspace-api', region: 'us-east-1', credentials: SESSION_KEYS }, SIGNING_DATE);
    expect(again.headers).toEqual(await sdkSigned(request, 'finspace-api', SESSION_KEYS));
    expect(JSON.stringify(request)).toBe(before);
  });
});
