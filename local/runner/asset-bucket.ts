/**
 * The stack's asset bucket as `cdk deploy` fills it: before a deployment, every file
 * asset of the cloud assembly is uploaded under its object key, and objects of earlier
 * deployments stay, so a rollback that names the previous one still finds it. Kept in
 * a directory beside the state file, since a deployment and its rollback may run in
 * different runner processes. Object keys are content hashes, unique across buckets,
 * so one directory stands for every bucket.
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
