/**
 * How the handler is bundled into the asset the npm package ships: one place for
 * the esbuild options, used by the `bundle` task (run as a script, because the
 * esbuild CLI takes no plugins) and by the benchmarks, which measure exactly this.
 *
 * Usage: ts-node projenrc/handler-bundle.ts
 */
import * as path from 'path';
import { build, type BuildOptions } from 'esbuild';
import { pureSmithyBarrels } from './pure-smithy-barrels';

const REPO = path.join(__dirname, '..');
export const HANDLER_ENTRY = 'lambda/index.ts';
export const HANDLER_ASSET = 'assets/lambda/index/index.js';
/** The drift audit's function, bundled apart so that the deploy functions do not carry it. */
export const AUDIT_ENTRY = 'lambda/audit.ts';
export const AUDIT_ASSET = 'assets/lambda/audit/index.js';

export const HANDLER_BUNDLE_OPTIONS: BuildOptions = {
  entryPoints: [HANDLER_ENTRY],
  outfile: HANDLER_ASSET,
  absWorkingDir: REPO,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  // ESM builds of @smithy/* avoid the CommonJS barrels (271 kB -> 59 kB, toolchain notes).
  mainFields: ['module', 'main'],
  plugins: [pureSmithyBarrels],
  logLevel: 'info',
};

export const AUDIT_BUNDLE_OPTIONS: BuildOptions = { ...HANDLER_BUNDLE_OPTIONS, entryPoints: [AUDIT_ENTRY], outfile: AUDIT_ASSET };

if (require.main === module) {
  Promise.all([build(HANDLER_BUNDLE_OPTIONS), build(AUDIT_BUNDLE_OPTIONS)]).catch(() => process.exit(1));
}
