/**
 * Reading cloud assemblies, and apps of several stacks: order, selection,
 * cross-stack references through exports, outputs known before deployment.
 */
import * as fs from 'fs';
import { CfnOutput, Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RecordingApp } from './support/recording-app';
import { predictOutputs, readAssembly, selectStacks } from '../../../local/runner';

jest.setTimeout(30_000);

let recording: RecordingApp;
beforeEach(() => { recording = new RecordingApp(); });
afterEach(() => recording.remove());

/** Producer exports an attribute of a custom resource; Consumer (declared first) reads it. */
function producerAndConsumer(): string {
  const app = recording.newApp();
  const consumer = recording.addStack(app, { stackName: 'Consumer', isComplete: false });
  const producer = recording.addStack(app, { stackName: 'Producer', isComplete: false });
  consumer.resource('Reader', { Value: producer.resource('Source', { Value: 'shared' }).getAttString('Echo') });
  app.synth();
  return app.outdir;
}

test('stacks come in dependency order, with construct paths and code assets', () => {
  const app = recording.newApp();
  const stage = new Stage(app, 'Prod');
  const second = recording.addStack(stage, { stackName: 'Second', isComplete: false });
  const first = recording.addStack(stage, { stackName: 'First', isComplete: false });
  second.resource('Late', {});
  first.resource('Early', {});
  second.stack.addDependency(first.stack);
  app.synth();

  const assembly = readAssembly(app.outdir);

  expect(assembly.stacks.map(s => [s.stackName, s.path, s.dependencies])).toEqual([
    ['Prod-First', 'Prod/First', []],
    ['Prod-Second', 'Prod/Second', ['Prod-First']],
  ]);
  const [stack] = assembly.stacks;
  expect(stack.constructPaths.Early).toBe('Early/Default');
  expect(stack.account).toBe('111122223333');
  const code = Object.values(stack.template.Resources!).find(r => r.Type === 'AWS::Lambda::Function')!.Properties!.Code as { S3Key: string };
  expect(fs.readdirSync(assembly.assetDirectory(code.S3Key)!)).toEqual(['index.js']);
  expect(selectStacks(assembly, ['Prod/Second']).map(s => s.stackName)).toEqual(['Prod-Second']);
  expect(() => selectStacks(assembly, ['Nope'])).toThrow(`No stack named Nope in ${assembly.directory}; it has Prod-First, Prod-Second`);
});

test('a directory without a manifest is not a cloud assembly', () => {
  expect(() => readAssembly(recording.directory)).toThrow(`${recording.directory} is not a cloud assembly (no manifest.json)`);
});

test('deploying one stack deploys what it depends on first; its export feeds Fn::ImportValue; destroy takes dependents down first', async () => {
  const app = producerAndConsumer();

  const deployed = await recording.deploy(app, { stacks: ['Consumer'] });

  expect(deployed.stacks.map(s => [s.stackName, s.status])).toEqual([['Producer', 'CREATE_COMPLETE'], ['Consumer', 'CREATE_COMPLETE']]);
  expect(recording.journal().find(e => e.logicalId === 'Reader')?.properties.Value).toBe('shared');

  const destroyed = await recording.destroy(app, { stacks: ['Producer'] });

  expect(destroyed.stacks.map(s => [s.stackName, s.status])).toEqual([['Consumer', 'DELETE_COMPLETE'], ['Producer', 'DELETE_COMPLETE']]);
  expect(recording.calls().slice(2)).toEqual(['Delete Reader', 'Delete Source']);
});

test('outputs naming only AWS resources are known before deployment, and match the deployed ones', async () => {
  const app = recording.synth((resource, stack) => {
    const custom = resource('Custom', { Value: 'v' });
    new CfnOutput(stack, 'HandlerArn', { value: (stack.node.findChild('OnEvent') as lambda.IFunction).functionArn });
    new CfnOutput(stack, 'CustomEcho', { value: custom.getAttString('Echo') });
  });
  const [stack] = readAssembly(app).stacks;

  const predicted = predictOutputs(stack);
  const run = await recording.deploy(app);

  expect(Object.keys(predicted)).toEqual(['HandlerArn']);
  expect(predicted.HandlerArn).toMatch(/^arn:aws:lambda:eu-west-1:111122223333:function:Recorded-OnEvent/);
  expect(run.stacks[0].outputs.HandlerArn.value).toBe(predicted.HandlerArn);
  expect(run.stacks[0].outputs.CustomEcho.value).toBe('v');
});

test('a stack without resources is skipped as the CDK CLI skips it, and deleted if it was deployed', async () => {
  const withResource = recording.synth(resource => { resource('Doomed', {}); }, { stackName: 'Shrinking', isComplete: false });
  await recording.deploy(withResource);
  const empty = recording.newApp();
  new Stack(empty, 'Shrinking');
  new Stack(empty, 'NeverDeployed');
  empty.synth();

  const run = await recording.deploy(empty.outdir);

  expect(Object.fromEntries(run.stacks.map(s => [s.stackName, s.status]))).toEqual({ Shrinking: 'NO_RESOURCES', NeverDeployed: 'NO_RESOURCES' });
  expect(recording.calls()).toEqual(['Create Doomed', 'Delete Doomed']);
  expect(recording.state().stacks).toEqual({});
});
