import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { MAX_INLINE_USER_IDS } from '../../contract/user-ids-object';
import { FinSpaceDataAccess, PermissionGroup } from '../../lib';
import { MAX_TEMPLATE_BYTES } from '../../lib/template-size-limit';

/** `count` distinct user ids of exactly `length` characters. */
const userIds = (count: number, length: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `u${String(from + i).padStart(length - 1, '0')}`);

interface Declaration {
  /** The members of each group. */
  readonly groups: string[][];
  /** Of the first group. */
  readonly description?: string;
  readonly suppressTemplateIndentation?: boolean;
}

const outdirs: string[] = [];
afterAll(() => outdirs.forEach(outdir => fs.rmSync(outdir, { recursive: true, force: true })));

interface Synthesized {
  /** The size of the template written, in bytes. */
  readonly bytes: number;
  /** What synthesis failed with, if it did. */
  readonly error?: string;
}

/** Synthesizes the groups as `cdk synth` does. */
function synthesize(declaration: Declaration): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-size-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Desks', {
    env: { account: '111122223333', region: 'us-east-1' },
    suppressTemplateIndentation: declaration.suppressTemplateIndentation,
  });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
  declaration.groups.forEach((members, index) => new PermissionGroup(stack, `Desk${index}`, {
    access,
    permissionGroupName: `desk-${index}`,
    description: index === 0 ? declaration.description : undefined,
    members,
  }));
  let error: string | undefined;
  try {
    app.synth();
  } catch (e) {
    error = (e as Error).message;
  }
  // The check runs once the template is written: the file is there either way.
  return { bytes: fs.statSync(path.join(outdir, stack.templateFile)).size, error };
}

const tooLarge = (bytes: number, advice: string) =>
  `Stack Desks (Desks): the template is ${bytes.toLocaleString('en-US')} bytes, over CloudFormation's limit of 1,000,000 bytes, ` +
  'so the deployment would be refused. The user ids of permission group members take most of it: declare the groups and their ' +
  `members over more stacks (README, "Splitting groups over stacks")${advice}`;
const SUPPRESS_INDENTATION_ADVICE = ', or set suppressTemplateIndentation on the stack, which saves 6 bytes per member.';

/**
 * Groups of MAX_INLINE_USER_IDS members each: the most ids a membership lists in the
 * template (more go into an S3 object), so the way to fill a template.
 */
const fullGroups = (count: number, length: number) =>
  Array.from({ length: count }, (_, g) => userIds(MAX_INLINE_USER_IDS, length, g * MAX_INLINE_USER_IDS));

describe('the template size limit', () => {
  test('a template of exactly 1,000,000 bytes synthesizes; one byte more fails cdk synth, naming the stack, the figure, the limit and the remedy', () => {
    // 16 groups of 3,000 members of 10 characters, then a group and a description that reach the limit exactly.
    const full = fullGroups(16, 10);
    const probe = synthesize({ groups: [...full, userIds(1, 10, 1_000_000)], description: 'd' });
    expect(probe.error).toBeUndefined();
    // Each further 10-character member adds 19 bytes (indented, quoted, comma); leave the rest to the description.
    const last = userIds(1 + Math.floor((MAX_TEMPLATE_BYTES - probe.bytes - 1000) / 19), 10, 1_000_000);
    expect(last.length).toBeLessThanOrEqual(MAX_INLINE_USER_IDS);
    const filled = synthesize({ groups: [...full, last], description: 'd' });
    const description = 'd'.repeat(1 + MAX_TEMPLATE_BYTES - filled.bytes);
    expect(description.length).toBeLessThanOrEqual(4000);

    expect(synthesize({ groups: [...full, last], description })).toEqual({ bytes: 1_000_000, error: undefined });
    expect(synthesize({ groups: [...full, last], description: `${description}d` }))
      .toEqual({ bytes: 1_000_001, error: tooLarge(1_000_001, SUPPRESS_INDENTATION_ADVICE) });
  });

  test('16 groups of 3,000 members of 13 characters: too large indented, within the limit with suppressTemplateIndentation', () => {
    const groups = fullGroups(16, 13);
    const indented = synthesize({ groups });
    expect(indented.bytes).toBeGreaterThan(MAX_TEMPLATE_BYTES);
    expect(indented.error).toBe(tooLarge(indented.bytes, SUPPRESS_INDENTATION_ADVICE));
    const unindented = synthesize({ groups, suppressTemplateIndentation: true });
    expect(unindented.bytes).toBeLessThanOrEqual(MAX_TEMPLATE_BYTES);
    expect(unindented.error).toBeUndefined();
  });

  test('12 groups of 3,000 members of 26 characters (the longest id) exceed the limit even unindented: the remedy is more stacks', () => {
    const unindented = synthesize({ groups: fullGroups(12, 26), suppressTemplateIndentation: true });
    expect(unindented.bytes).toBeGreaterThan(MAX_TEMPLATE_BYTES);
    expect(unindented.error).toBe(tooLarge(unindented.bytes, '.'));
  });

  test('one group of 50,000 members of 26 characters is far within the limit: its ids are not in the template', () => {
    expect(synthesize({ groups: [userIds(50_000, 26)] })).toEqual({ bytes: expect.any(Number), error: undefined });
    expect(synthesize({ groups: [userIds(50_000, 26)] }).bytes).toBeLessThan(100_000);
  });
});

test('aws-cdk-lib itself refuses a stack of more than 500 resources at synth', () => {
  const desks = (context: Record<string, unknown>) => {
    const app = new App({ context });
    const stack = new Stack(app, 'Desks', { env: { account: '111122223333', region: 'us-east-1' } });
    const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
    // Each group with members costs 2 resources: the group and its membership.
    for (let i = 0; i < 250; i++) {
      new PermissionGroup(stack, `Desk${i}`, { access, permissionGroupName: `desk-${i}`, members: [`trader${i}`] });
    }
    return app;
  };
  // Counted with aws-cdk-lib's check turned off, then synthesized as `cdk synth` does.
  const resources = Object.keys(desks({ '@aws-cdk/core:stackResourceLimit': 0 }).synth().getStackByName('Desks').template.Resources).length;
  expect(resources).toBeGreaterThan(500);
  expect(() => desks({}).synth()).toThrow(`Number of resources in stack 'Desks': ${resources} is greater than allowed maximum of 500: `);
});
