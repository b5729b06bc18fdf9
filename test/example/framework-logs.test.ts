/**
 * What the Provider framework's functions would write to their log group, proven on
 * the framework code that the example app actually deploys: the synthesized
 * framework asset's framework.js runs in-process with its three outbound calls
 * (invoke the handler, start the waiter, answer CloudFormation) replaced by
 * stand-ins, through a whole lifecycle of the example's permission group. What it
 * prints, and the error it throws on a poll that is not yet complete, are then
 * filtered as the Lambda Node.js runtime does with the function's synthesized
 * LoggingConfig (advanced logging controls): with LogFormat JSON, console.log and
 * console.info are INFO, console.warn WARN, console.error ERROR, an error thrown by
 * the handler is an ERROR record, and only records at or above ApplicationLogLevel
 * are written; with the Text format everything is written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import { App } from 'aws-cdk-lib';
import { EXAMPLE_ENVIRONMENT, FinSpaceGroupsExampleStack } from '../../example/app';

// The SDK clients are only reached through outbound.js, whose calls the test replaces;
// the Lambda runtime provides them, this repository does not install them.
jest.mock('@aws-sdk/client-lambda', () => ({}), { virtual: true });
jest.mock('@aws-sdk/client-sfn', () => ({}), { virtual: true });

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
type Level = typeof LEVELS[number];

interface LogRecord {
  readonly level: Level;
  readonly message: string;
}

interface LoggingConfig {
  readonly LogFormat?: string;
  readonly ApplicationLogLevel?: string;
}

/** The records Lambda writes to the log group for a function with this LoggingConfig. */
function written(records: LogRecord[], config: LoggingConfig | undefined): LogRecord[] {
  if (config?.LogFormat !== 'JSON') return records;
  const threshold = LEVELS.indexOf((config.ApplicationLogLevel ?? 'INFO') as Level);
  return records.filter(record => LEVELS.indexOf(record.level) >= threshold);
}

interface FrameworkFunction {
  readonly handler: string;
  readonly loggingConfig: LoggingConfig | undefined;
  readonly assetDir: string;
}

interface Synthesized {
  readonly functions: Record<string, FrameworkFunction>;
  readonly groupProperties: Record<string, any>;
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'framework-logs-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function synthesizeExample(): Synthesized {
  const app = new App({ outdir });
  new FinSpaceGroupsExampleStack(app, 'FinSpaceGroupsExample', { env: EXAMPLE_ENVIRONMENT });
  const resources: Record<string, any> = app.synth().getStackByName('FinSpaceGroupsExample').template.Resources;
  const functions: Record<string, FrameworkFunction> = {};
  for (const resource of Object.values(resources)) {
    const handler: unknown = resource.Properties?.Handler;
    if (resource.Type !== 'AWS::Lambda::Function' || typeof handler !== 'string' || !handler.startsWith('framework.')) continue;
    const assetHash = resource.Properties.Code.S3Key.replace(/\.zip$/, '');
    functions[handler] = { handler, loggingConfig: resource.Properties.LoggingConfig, assetDir: path.join(outdir, `asset.${assetHash}`) };
  }
  const group = Object.values(resources).find(r => r.Type === 'Custom::FinSpacePermissionGroup' && r.Properties.PermissionGroupName === 'analysts');
  return { functions, groupProperties: group.Properties };
}

/** The framework's console output and thrown errors over create, a pending poll, completion and a timeout. */
async function runLifecycle(assetDir: string, resourceProperties: Record<string, any>): Promise<Record<string, LogRecord[]>> {
  const records: Record<string, LogRecord[]> = { onEvent: [], isComplete: [], onTimeout: [] };
  let current: LogRecord[] = [];
  const capture = (level: Level) => (...args: unknown[]) => { current.push({ level, message: util.format(...args) }); };
  const spies = ([['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']] as const)
    .map(([method, level]) => jest.spyOn(console, method).mockImplementation(capture(level)));
  const env = { ...process.env };
  try {
    let framework: any;
    let outbound: any;
    let consts: any;
    // The asset exists only after synthesis, so it is loaded by path at run time.
    /* eslint-disable @typescript-eslint/no-require-imports */
    jest.isolateModules(() => {
      outbound = require(path.join(assetDir, 'outbound.js'));
      framework = require(path.join(assetDir, 'framework.js'));
      consts = require(path.join(assetDir, 'consts.js'));
    });
    /* eslint-enable @typescript-eslint/no-require-imports */
    process.env[consts.USER_ON_EVENT_FUNCTION_ARN_ENV] = 'arn:aws:lambda:us-east-1:111122223333:function:OnEvent';
    process.env[consts.USER_IS_COMPLETE_FUNCTION_ARN_ENV] = 'arn:aws:lambda:us-east-1:111122223333:function:IsComplete';
    process.env[consts.WAITER_STATE_MACHINE_ARN_ENV] = 'arn:aws:states:us-east-1:111122223333:stateMachine:Waiter';

    const handlerAnswers: object[] = [{ PhysicalResourceId: 'pg1' }, { IsComplete: false }, { IsComplete: true }];
    const waiterInputs: string[] = [];
    const responses: string[] = [];
    outbound.invokeFunction = async () => ({ Payload: Buffer.from(JSON.stringify(handlerAnswers.shift())) });
    outbound.startExecution = async (request: { input: string }) => { waiterInputs.push(request.input); return {}; };
    outbound.httpRequest = async (_options: unknown, body: string) => { responses.push(body); };

    /** One invocation; an error it throws is what the Lambda runtime logs for it. */
    const invoke = async (entry: string, event: object) => {
      current = records[entry];
      try {
        await framework[entry](event);
      } catch (error) {
        current.push({ level: 'ERROR', message: JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message }) });
      }
    };
    await invoke('onEvent', {
      RequestType: 'Create',
      ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:framework-onEvent',
      ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/response',
      StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/FinSpaceGroupsExample/1',
      RequestId: 'request-1',
      LogicalResourceId: 'Analysts',
      ResourceType: 'Custom::FinSpacePermissionGroup',
      ResourceProperties: resourceProperties,
    });
    expect(waiterInputs).toHaveLength(1);
    const waiterInput = JSON.parse(waiterInputs[0]);
    await invoke('isComplete', waiterInput);
    await invoke('isComplete', waiterInput);
    expect(JSON.parse(responses[0])).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'pg1' });
    // The waiter gives up: its Cause holds the last isComplete error, the whole event.
    await invoke('onTimeout', { Cause: JSON.stringify({ errorMessage: JSON.stringify(waiterInput) }) });
    expect(JSON.parse(responses[1])).toMatchObject({ Status: 'FAILED', Reason: 'Operation timed out' });
    return records;
  } finally {
    spies.forEach(spy => spy.mockRestore());
    process.env = env;
  }
}

function sensitiveLines(
  records: Record<string, LogRecord[]>,
  functions: Record<string, FrameworkFunction>,
  config: (fn: FrameworkFunction) => LoggingConfig | undefined,
  values: string[],
) {
  return Object.entries(records).flatMap(([entry, entryRecords]) =>
    written(entryRecords, config(functions[`framework.${entry}`]))
      .filter(record => values.some(value => record.message.includes(value)))
      .map(record => `${entry} ${record.level}`));
}

test("the framework's functions write no group name or description to their logs; without their LoggingConfig they would", async () => {
  const { functions, groupProperties } = synthesizeExample();
  expect(Object.keys(functions).sort()).toEqual(['framework.isComplete', 'framework.onEvent', 'framework.onTimeout']);
  const sensitive = [groupProperties.PermissionGroupName, groupProperties.Description];
  expect(sensitive).toEqual(['analysts', 'Explore market data in notebooks']);
  // The three functions share one asset: the framework code of the installed aws-cdk-lib.
  expect(new Set(Object.values(functions).map(fn => fn.assetDir)).size).toBe(1);
  const records = await runLifecycle(functions['framework.onEvent'].assetDir, groupProperties);

  expect(sensitiveLines(records, functions, fn => fn.loggingConfig, sensitive)).toEqual([]);

  // Negative control: the same run written with the Text format (no LogFormat), as
  // aws-cdk-lib's floor configures these functions by itself.
  const everyEntryAtEveryLevel = sensitiveLines(records, functions, () => undefined, sensitive);
  expect(everyEntryAtEveryLevel).toEqual(expect.arrayContaining(['onEvent INFO', 'isComplete INFO', 'isComplete ERROR', 'onTimeout INFO']));
  // And with JSON at ERROR level, the Retry error of the pending poll would still carry them.
  expect(sensitiveLines(records, functions, () => ({ LogFormat: 'JSON', ApplicationLogLevel: 'ERROR' }), sensitive)).toEqual(['isComplete ERROR']);
});
