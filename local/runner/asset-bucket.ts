/**
 * The stacks' asset bucket as `cdk deploy` fills it: each file asset uploaded under its
 * object key before a deployment, objects of earlier deployments kept for the rollbacks
 * that name them. A directory beside the state file, since a deployment and its rollback
 * may run in different runner processes; keys are content hashes, so one stands for every bucket.
 */
import * as fs from 'fs';
import * as path from 'path';

export class AssetBucket {
  constructor(private readonly directory: string) {}

  /** Uploads files (object key to source path) that the bucket does not hold yet. */
  publish(files: ReadonlyMap<string, string>): void {
    for (const [objectKey, source] of files) {
      const target = this.pathOf(objectKey);
      if (!target || fs.existsSync(target)) continue;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(source, target);
    }
  }

  /** The object's bytes, or undefined when the bucket has no such key. */
  read(objectKey: string): Buffer | undefined {
    const file = this.pathOf(objectKey);
    return file && fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file) : undefined;
  }

  /** Where a key is stored; undefined for a key that would leave the directory. */
  private pathOf(objectKey: string): string | undefined {
    const file = path.resolve(this.directory, objectKey);
    return file.startsWith(path.resolve(this.directory) + path.sep) ? file : undefined;
  }
}
