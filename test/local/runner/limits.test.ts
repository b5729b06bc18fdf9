/**
 * The AWS limits the runner enforces: exactly at each limit a request passes, one
 * byte over it fails with AWS's error; and in a deployment, each limit fails the
 * resource (or the stack) the way a real deployment would.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { RecordingApp, reasonOf } from './support/recording-app';
import {
  checkCustomResourceResponse, checkEventInvokePayload, checkExecutionInput, checkLambdaEnvironment, checkStateData,
  checkSyncInvokeRequest, checkTemplate, MAX_CUSTOM_RESOURCE_RESPONSE_BYTES, MAX_EVENT_INVOKE_BYTES, MAX_RESOURCES,
  MAX_STATE_BYTES, MAX_SYNC_REQUEST_BYTES, MAX_TEMPLATE_BYTES,
} from '../../../local/runner/limits';

jest.setTimeout(30_000);

const bytes = (n: number) => 'x'.repeat(n);

describe('at and over each limit', () => {
  test.each([
    ['template body', (n: number) => checkTemplate(bytes(n), 1), MAX_TEMPLATE_BYTES, 'Template may not exceed 1000000 bytes in size.'],
    ['custom resource response', (n: number) => checkCustomResourceResponse(bytes(n)), MAX_CUSTOM_RESOURCE_RESPONSE_BYTES, 'Response object is too long.'],
    ['execution input', (n: number) => checkExecutionInput(bytes(n)), MAX_STATE_BYTES,
      "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144"],
    ['state data', (n: number) => checkStateData('onTimeout', bytes(n)), MAX_STATE_BYTES,
      "The state/task 'onTimeout' returned a result with a size exceeding the maximum number of bytes service limit."],
    ['Event invocation', (n: number) => checkEventInvokePayload(bytes(n)), MAX_EVENT_INVOKE_BYTES,
      '262145 byte payload is too large for the Event invocation type (limit 262144 bytes)'],
    ['RequestResponse invocation', (n: number) => checkSyncInvokeRequest(bytes(n)), MAX_SYNC_REQUEST_BYTES,
      'Request must be smaller than 6291456 bytes for the InvokeFunction operation'],
  ])('%s', (_name, check, limit, message) => {
    expect(() => check(limit)).not.toThrow();
    expect(() => check(limit + 1)).toThrow(message);
  });

  test('resources per stack', () => {
    expect(() => checkTemplate('{}', MAX_RESOURCES)).not.toThrow();
    expect(() => checkTemplate('{}', MAX_RESOURCES + 1)).toThrow('Template format error: Number of resources, 501, is greater than maximum allowed, 500');
  });

  test('bytes are counted, not characters', () => {
    expect(() => checkCustomResourceResponse('é'.repeat(2048))).not.toThrow();
    expect(() => checkCustomResourceResponse(`${'é'.repeat(2048)}x`)).toThrow('Response object is too long.');
  });

  test('Lambda environment variables, measured as their JSON', () => {
    const fits = { V: bytes(4096 - '{"V":""}'.length) };
    expect(() => checkLambdaEnvironment(fits)).not.toThrow();
    expect(() => checkLambdaEnvironment({ V: `${fits.V}x` })).toThrow(
      /^Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: \{"V":"x+"\}$/);
  });
});

describe('in a deployment', () => {
  let recording: RecordingApp;
  beforeEach(() => { recording = new RecordingApp(); });
  afterEach(() => recording.remove());

  test('a template over 1,000,000 bytes is refused before anything runs', async () => {
    const run = await recording.deploy(recording.synth(resource => { resource('Huge', { Value: bytes(MAX_TEMPLATE_BYTES) }); }));

    expect(run.stacks[0]).toMatchObject({ status: 'REFUSED', failureReason: 'ValidationError: Template may not exceed 1000000 bytes in size.' });
    expect(run.events).toEqual([]);
    expect(recording.state().stacks).toEqual({});
  });

  test('a stack of 501 resources is refused before anything runs', async () => {
    // aws-cdk-lib refuses to synthesize such a stack; a template edited by hand or made by another tool still reaches CloudFormation.
    const app = recording.synth(resource => { resource('Only', {}); });
    const templateFile = path.join(app, 'Recorded.template.json');
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
    for (let i = Object.keys(template.Resources).length; i <= MAX_RESOURCES; i++) template.Resources[`Queue${i}`] = { Type: 'AWS::SQS::Queue' };
    fs.writeFileSync(templateFile, JSON.stringify(template));

    const run = await recording.deploy(app);

    expect(run.stacks[0]).toMatchObject({
      status: 'REFUSED',
      failureReason: 'ValidationError: Template format error: Number of resources, 501, is greater than maximum allowed, 500',
    });
    expect(recording.journal()).toEqual([]);
  });

  test('a request over 256 KiB never reaches the provider: CloudFormation invokes it as an Event', async () => {
    const run = await recording.deploy(recording.synth(resource => { resource('Big', { Value: bytes(MAX_EVENT_INVOKE_BYTES) }); }));

    expect(reasonOf(run.events, 'CREATE_FAILED')).toMatch(/^\d+ byte payload is too large for the Event invocation type \(limit 262144 bytes\)$/);
    expect(recording.journal()).toEqual([]);
    expect(run.stacks[0].status).toBe('ROLLBACK_COMPLETE');
  });

  test('a response over 4,096 bytes fails the resource; CloudFormation never learns its id, so nothing deletes it', async () => {
    const run = await recording.deploy(recording.synth(resource => {
      resource('Fits', { DataBytes: 3500 });
      resource('TooLong', { DataBytes: 4096 });
    }, { isComplete: false }));

    expect(reasonOf(run.events, 'CREATE_COMPLETE', 'Fits')).toBeUndefined();
    expect(run.events.some(e => e.kind === 'resource' && e.status === 'CREATE_COMPLETE' && e.logicalId === 'Fits')).toBe(true);
    expect(reasonOf(run.events, 'CREATE_FAILED', 'TooLong')).toBe('Response object is too long.');
    expect(recording.calls().filter(call => call.endsWith('TooLong'))).toEqual(['Create TooLong']);
  });

  test('an event over 256 KiB cannot start the waiter: the create fails with the CREATE_FAILED marker', async () => {
    // The request fits the Event invocation; onEvent's answer, merged into it, overflows the state.
    const run = await recording.deploy(recording.synth(resource => {
      resource('Overflowing', { Value: bytes(150_000), ResponseBytes: 150_000 });
    }));

    // framework.js answers the error's stack: the SDK's frames, then its own StartExecution call in onEvent.
    const reason = reasonOf(run.events, 'CREATE_FAILED')!;
    expect(reason.startsWith('Received response status [FAILED] from custom resource. Message returned: ' +
      "ValidationException: 1 validation error detected: Value at 'input' failed to satisfy constraint: " +
      'Member must have length less than or equal to 262144\n    at ')).toBe(true);
    expect(reason).toMatch(/\n {4}at async onEvent \(\S+\/framework\.js:\d+:\d+\)\n/);
    expect(reason.endsWith(` (RequestId: ${recording.journal()[0].requestId})`)).toBe(true);
    // The marker makes the framework skip the handler on the rollback's delete.
    expect(recording.calls()).toEqual(['Create Overflowing']);
  });

  test('a timeout of an event over about 128 KiB gets no answer: onTimeout\'s input, the event twice over, overflows the state', async () => {
    const run = await recording.deploy(recording.synth(resource => {
      resource('Doubled', { Padding: bytes(140_000), PollsNeeded: 100 });
    }, { queryInterval: Duration.seconds(1), totalTimeout: Duration.seconds(2) }));

    expect(reasonOf(run.events, 'CREATE_FAILED')).toMatch(new RegExp(
      '^CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId \\[[-0-9a-f]+\\]. ' +
      "Locally: the waiter's execution failed with States.DataLimitExceeded: The state/task 'framework-onTimeout-task' returned a result"));
    expect(recording.calls()).toEqual(['Create Doubled']);
  });

  test('a handler answer over 6 MB is a function error of Lambda', async () => {
    const run = await recording.deploy(recording.synth(resource => { resource('Chatty', { ResponseBytes: 6_300_000 }); }));

    expect(reasonOf(run.events, 'CREATE_FAILED')).toMatch(new RegExp(
      '^Received response status \\[FAILED\\] from custom resource. Message returned: ' +
      'Error: Response payload size exceeded maximum allowed payload size \\(6291556 bytes\\).\n\nLogs: /aws/lambda/Recorded-OnEvent'));
  });

  test('Lambda environment variables over 4 KB fail the function\'s creation and roll the stack back', async () => {
    const run = await recording.deploy(recording.synth(resource => { resource('Never', {}); }, { extraEnvironment: { BIG: bytes(4096) } }));

    const failed = run.events.find(e => e.kind === 'resource' && e.status === 'CREATE_FAILED');
    expect(failed).toMatchObject({ resourceType: 'AWS::Lambda::Function' });
    expect(failed?.kind === 'resource' && failed.reason).toMatch(
      /^Resource handler returned message: "Lambda was unable to configure your environment variables because .* exceeded the 4KB limit. .*" \(HandlerErrorCode: InvalidRequest\)$/);
    expect(run.stacks[0].status).toBe('ROLLBACK_COMPLETE');
    expect(recording.journal()).toEqual([]);
  });
});
