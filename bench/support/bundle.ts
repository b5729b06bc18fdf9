/**
 * The handler bundle exactly as the build makes it, and other entries bundled the
 * same way: the esbuild options are the build's own (projenrc/handler-bundle.ts),
 * not restated, so a change there changes what is measured.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { build } from 'esbuild';
import { HANDLER_ASSET as ASSET, HANDLER_BUNDLE_OPTIONS, HANDLER_ENTRY as ENTRY } from '../../projenrc/handler-bundle';

const REPO = path.join(__dirname, '..', '..');
export const HANDLER_ENTRY = ENTRY;
export const HANDLER_ASSET = path.join(REPO, ASSET);

export interface BundleMetafile {
  readonly outputs: Record<string, { readonly bytes: number; readonly inputs: Record<string, { readonly bytesInOutput: number }> }>;
}

/** `npx projen bundle`: the asset the npm package ships. */
export function buildHandlerAsset(): string {
  execFileSync('npx', ['projen', 'bundle'], { cwd: REPO, stdio: 'ignore' });
  return HANDLER_ASSET;
}

/** Bundles `entry` with the handler's options into `outfile`; returns esbuild's metafile. */
export async function bundleLikeTheHandler(entry: string, outfile: string): Promise<BundleMetafile> {
  const result = await build({ ...HANDLER_BUNDLE_OPTIONS, entryPoints: [entry], outfile, metafile: true, logLevel: 'error' });
  return result.metafile as BundleMetafile;
}

/** Bytes in the output by package (node_modules) or source folder, largest first. */
export function bytesBySource(metafile: BundleMetafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, input] of Object.entries(output.inputs)) {
      const source = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/')[0];
      totals.set(source, (totals.get(source) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals.entries()].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
}
