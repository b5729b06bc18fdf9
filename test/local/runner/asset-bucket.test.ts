/**
 * The runner's asset bucket and the handler's S3 reader (lambda/user-ids-object.ts):
 * both sides of the GetObject the handler makes for the user ids of a large membership.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { readS3Object, S3_ENDPOINT_ENV } from '../../../lambda/user-ids-object';
import { AssetBucket } from '../../../local/runner/asset-bucket';
import { ProviderEndpoint } from '../../../local/runner/provider-endpoint';

const CREDENTIALS = { accessKeyId: 'AKIAASSETBUCKETTEST1', secretAccessKey: 'asset-bucket-secret', sessionToken: 'session-token' };
const BUCKET = 'cdk-hnb659fds-assets-111122223333-eu-west-1';
const KEY = `${'a'.repeat(64)}.finspace-user-ids`;

let directory: string;
beforeEach(() => { directory = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-bucket-')); });
afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

const read = (endpointUrl: string, key = KEY) => readS3Object({ bucket: BUCKET, key, sha256: 'a'.repeat(64) }, {
  credentials: async () => CREDENTIALS,
  env: { [S3_ENDPOINT_ENV]: endpointUrl, AWS_REGION: 'eu-west-1' },
});

test('keeps the objects of earlier publications, and reads none outside itself', () => {
  const source = path.join(directory, 'first.json');
  fs.writeFileSync(source, '["alice"]');
  const bucket = new AssetBucket(path.join(directory, 'bucket'));
  bucket.publish(new Map([[KEY, source]]));
  fs.rmSync(source);
  bucket.publish(new Map());

  expect(bucket.read(KEY)?.toString()).toBe('["alice"]');
  expect(bucket.read('other.finspace-user-ids')).toBeUndefined();
  expect(bucket.read('../first.json')).toBeUndefined();
});

describe('through the runner\'s endpoint', () => {
  let endpoint: ProviderEndpoint;
  beforeEach(async () => {
    endpoint = await ProviderEndpoint.start({ credentials: CREDENTIALS });
    const bucket = new AssetBucket(path.join(directory, 'bucket'));
    const source = path.join(directory, 'ids');
    fs.writeFileSync(source, '["alice","bob"]');
    bucket.publish(new Map([[KEY, source]]));
    endpoint.serveObjects(objectKey => bucket.read(objectKey));
  });
  afterEach(() => endpoint.stop());

  test('the handler reads an object the bucket holds', async () => {
    expect((await read(endpoint.url)).toString('utf8')).toBe('["alice","bob"]');
  });

  test('a missing object fails with S3\'s code and what the role needs', async () => {
    const missing = `${'b'.repeat(64)}.finspace-user-ids`;
    await expect(read(endpoint.url, missing)).rejects.toThrow(`could not read the user ids in s3://${BUCKET}/${missing}: S3 answered NoSuchKey. ` +
      'cdk deploy uploads the object with the template; the handler\'s role needs s3:GetObject on it (and kms:Decrypt if the bucket uses a customer managed key).');
  });
});

test('the GET is path-style and signed for S3 with the role\'s session', async () => {
  let seen: http.IncomingHttpHeaders | undefined;
  let seenPath: string | undefined;
  const server = http.createServer((request, response) => {
    seen = request.headers;
    seenPath = request.url;
    response.writeHead(200).end('[]');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  try {
    await read(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise(resolve => server.close(resolve));
  }
  expect(seenPath).toBe(`/${BUCKET}/${KEY}`);
  expect(seen?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAASSETBUCKETTEST1\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  // The hash of an empty payload, which S3 requires in the header.
  expect(seen?.['x-amz-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  expect(seen?.['x-amz-security-token']).toBe('session-token');
});
