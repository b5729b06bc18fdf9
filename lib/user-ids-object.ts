import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AssetHashType } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { USER_IDS_OBJECT_EXTENSION, userIdsObjectContent } from '../contract/user-ids-object';

/** Where the handler finds a membership's user ids that left the template. */
export interface UserIdsObject {
  readonly asset: s3assets.Asset;
  /** SHA-256 of the object's content, lowercase hex. */
  readonly sha256: string;
}

/**
 * Publishes `userIds` as a file asset: `cdk deploy` uploads it to the stack's asset
 * bucket (the bootstrap bucket), under a key derived from its content. An object of
 * an earlier deploy stays there, so a rollback, whose event names the previous
 * object, still finds its ids.
 */
export function publishUserIds(scope: Construct, id: string, userIds: readonly string[]): UserIdsObject {
  const content = userIdsObjectContent(userIds);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-user-ids-'));
  try {
    // The extension ends the object's key: the handler may read such objects only.
    const file = path.join(directory, `user-ids${USER_IDS_OBJECT_EXTENSION}`);
    fs.writeFileSync(file, content);
    // Content-addressed: the same users give the same key, whatever else the app changes.
    const asset = new s3assets.Asset(scope, id, { path: file, assetHash: sha256, assetHashType: AssetHashType.CUSTOM });
    return { asset, sha256 };
  } finally {
    // Staging copies the file into the cloud assembly; without staging the file is the asset.
    if (!scope.node.tryGetContext(cxapi.DISABLE_ASSET_STAGING_CONTEXT)) fs.rmSync(directory, { recursive: true, force: true });
  }
}
