/**
 * The README's example of groups split over stacks, run as pasted: with desks of the
 * longest ids it says it takes, every stack stays within CloudFormation's limits and
 * all of them act as the one registered role.
 */
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { readmeSnippets, runInStack } from './readme-snippets';
import { FinSpaceDataAccess, PermissionGroup } from '../../lib';

const [splitting] = readmeSnippets().filter(snippet => snippet.section === 'Splitting groups over stacks');

test('250 desks of 200 members with 26-character ids in batches of 100: 3 stacks of at most 219 resources and under 850,000 bytes', () => {
  expect(splitting.fence).toBe('fixture=app');
  const desks = Array.from({ length: 250 }, (_, desk) => ({
    name: `desk${desk}`,
    members: Array.from({ length: 200 }, (_unused, member) => `d${String(desk).padStart(3, '0')}m${String(member).padStart(21, '0')}`),
  }));
  expect(new Set(desks.flatMap(desk => desk.members.map(member => member.length)))).toEqual(new Set([26]));
  const batches = [0, 1, 2].map(batch => ({ stackName: `FinSpaceDesks${batch}`, desks: desks.slice(batch * 100, (batch + 1) * 100) }));
  const app = new App();
  runInStack(new Stack(), splitting.code, { app, batches, Stack, iam, FinSpaceDataAccess, PermissionGroup });
  const assembly = app.synth();

  expect(assembly.stacks.map(stack => stack.stackName)).toEqual(['FinSpaceDesks0', 'FinSpaceDesks1', 'FinSpaceDesks2']);
  const sizes = assembly.stacks.map(stack => ({
    resources: Object.keys(stack.template.Resources).length,
    bytes: fs.statSync(stack.templateFullPath).size,
  }));
  expect(sizes.map(size => size.resources)).toEqual([219, 219, 119]);
  for (const { bytes } of sizes) expect(bytes).toBeLessThan(850_000);
  // No stack creates a role of its own: FinSpace knows one identity.
  for (const stack of assembly.stacks) {
    expect(Object.values(stack.template.Resources as Record<string, { Type: string; Properties: any }>)
      .filter(resource => resource.Type === 'AWS::Lambda::Function' && /^index\./.test(resource.Properties.Handler))
      .map(resource => resource.Properties.Role)).toEqual(['arn:aws:iam::111122223333:role/finspace-automation', 'arn:aws:iam::111122223333:role/finspace-automation']);
  }
});
