/**
 * One app synthesized by a process of its own, the way `cdk synth` runs the example
 * app (cdk.json: ts-node --transpile-only), which then prints, as JSON, the CPU time
 * the whole process took: Node, ts-node, loading aws-cdk-lib and the constructs,
 * building the app and writing the cloud assembly.
 *
 *   node -r ts-node/register/transpile-only bench/support/synth-app.ts OUTDIR example
 *   node -r ts-node/register/transpile-only bench/support/synth-app.ts OUTDIR members COUNT
 */
import { App, Stack } from 'aws-cdk-lib';
import { EXAMPLE_ENVIRONMENT, FinSpaceGroupsExampleStack } from '../../example/app';
import { FinSpaceDataAccess, PermissionGroup } from '../../lib';

/** The length of the generated member ids (BENCHMARKS.md, Synth). */
export const MEMBER_ID_LENGTH = 10;

/** `count` distinct user ids of MEMBER_ID_LENGTH characters. */
export function memberIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `u${String(i).padStart(MEMBER_ID_LENGTH - 1, '0')}`);
}

/** The example app, as `npx cdk synth` synthesizes it. */
export function synthesizeExample(outdir: string): void {
  const app = new App({ outdir });
  new FinSpaceGroupsExampleStack(app, 'FinSpaceGroupsExample', { env: EXAMPLE_ENVIRONMENT });
  app.synth();
}

/** The example's access and one group with `count` members, through `members`. */
export function synthesizeMembers(outdir: string, count: number): void {
  const app = new App({ outdir });
  const stack = new Stack(app, 'FinSpaceMembers', { env: EXAMPLE_ENVIRONMENT });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'exampleenvironment01' });
  new PermissionGroup(stack, 'Traders', { access, permissionGroupName: 'traders', members: memberIds(count) });
  app.synth();
}

if (require.main === module) {
  const [outdir, variant, count] = process.argv.slice(2);
  if (variant === 'example') synthesizeExample(outdir);
  else if (variant === 'members') synthesizeMembers(outdir, Number(count));
  else throw new Error(`usage: synth-app.ts OUTDIR example | members COUNT (got ${variant})`);
  const { user, system } = process.cpuUsage();
  process.stdout.write(JSON.stringify({ cpuMs: (user + system) / 1000 }));
}
