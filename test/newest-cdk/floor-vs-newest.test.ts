/**
 * The example app synthesized by `cdk synth` on the aws-cdk-lib floor and on the
 * newest one (.ci/newest-cdk sets FLOOR_CDK_OUT and NEWEST_CDK_OUT) differs only where
 * the difference does not matter to users: the Node.js runtimes (the handler's follows
 * the installed aws-cdk-lib by design; the Provider framework's is aws-cdk-lib's
 * choice), the framework's code asset, and the CDKMetadata analytics. Anything else,
 * such as a log configuration, a policy statement or a resource that one version adds,
 * fails.
 */
import * as fs from 'fs';
import * as path from 'path';

const STACK_TEMPLATE = 'FinSpaceGroupsExample.template.json';

function template(variable: string): any {
  const outdir = process.env[variable];
  if (!outdir) throw new Error(`${variable} must name the cdk.out of the example app (set by .ci/newest-cdk)`);
  return JSON.parse(fs.readFileSync(path.join(outdir, STACK_TEMPLATE), 'utf8'));
}

/** Every path where the two values differ, as `a/b/c`. */
function differences(floor: any, newest: any, at = ''): string[] {
  if (floor !== null && newest !== null && typeof floor === 'object' && typeof newest === 'object' && Array.isArray(floor) === Array.isArray(newest)) {
    const keys = [...new Set([...Object.keys(floor), ...Object.keys(newest)])].sort();
    return keys.flatMap(key => differences(floor[key], newest[key], at ? `${at}/${key}` : key));
  }
  return JSON.stringify(floor) === JSON.stringify(newest) ? [] : [at];
}

/** Which differences are expected, by the kind of resource they are in. */
function expected(difference: string, resources: Record<string, any>): boolean {
  const [section, logicalId, ...rest] = difference.split('/');
  if (section !== 'Resources') return false;
  const where = rest.join('/');
  const resource = resources[logicalId];
  const handler: string = resource?.Properties?.Handler ?? '';
  if (logicalId === 'CDKMetadata') return where === 'Properties/Analytics';
  if (resource?.Type === 'AWS::Lambda::Function' && handler.startsWith('framework.')) {
    return ['Properties/Runtime', 'Properties/Code/S3Key', 'Metadata/aws:asset:path'].includes(where);
  }
  if (resource?.Type === 'AWS::Lambda::Function' && handler.startsWith('index.')) return where === 'Properties/Runtime';
  if (resource?.Type === 'AWS::Lambda::LayerVersion') return /^Properties\/CompatibleRuntimes\/\d+$/.test(where);
  return false;
}

test('floor and newest aws-cdk-lib synthesize the example alike, but for runtimes, the framework asset and analytics', () => {
  const floor = template('FLOOR_CDK_OUT');
  const newest = template('NEWEST_CDK_OUT');
  const found = differences(floor, newest);
  expect(found.filter(difference => !expected(difference, newest.Resources))).toEqual([]);
  // The comparison sees the runtimes move: it is not comparing a template with itself.
  expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^Resources\/FinSpaceDataProviderOnEvent[0-9A-F]{8}\/Properties\/Runtime$/)]));
});
