/**
 * Apps for the runner's tests: a stack with one aws-cdk-lib Provider whose onEvent
 * and isComplete are the recording handler (fixtures/recording-handler.ts), and
 * Custom::Recorded resources served by it. Synthesized in-process, deployed with
 * the runner, checked through the handler's journal and the runner's events.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { deploy, destroy, loadState, type RunnerEvent, type RunnerOptions, type RunResult } from '../../../../local/runner';
import type { JournalEntry } from '../fixtures/recording-handler';

export const RESOURCE_TYPE = 'Custom::Recorded';

export interface StackOptions {
  readonly stackName?: string;
  /** Without isComplete the Provider answers right after onEvent. */
  readonly isComplete?: boolean;
  /** Provider timing; the tests replace the interval with a few milliseconds. */
  readonly queryInterval?: Duration;
  readonly totalTimeout?: Duration;
  readonly extraEnvironment?: Record<string, string>;
}

export type ResourceFactory = (id: string, properties: Record<string, unknown>) => CustomResource;

export interface Run extends RunResult {
  readonly events: RunnerEvent[];
}

export class RecordingApp {
  public readonly journalFile: string;
  public readonly stateFile: string;
  private readonly codeDirectory: string;
  private synthesized = 0;

  constructor(public readonly directory = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-test-'))) {
    this.journalFile = path.join(directory, 'journal.jsonl');
    this.stateFile = path.join(directory, 'state.json');
    this.codeDirectory = path.join(directory, 'handler');
    buildSync({
      entryPoints: [path.join(__dirname, '..', 'fixtures', 'recording-handler.ts')],
      outfile: path.join(this.codeDirectory, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
    });
    fs.writeFileSync(this.journalFile, '');
  }

  /** Synthesizes one stack into a new cloud assembly and returns its directory. */
  synth(build: (resource: ResourceFactory, stack: Stack) => void, options: StackOptions = {}): string {
    const app = this.newApp();
    const { stack, resource } = this.addStack(app, options);
    build(resource, stack);
    app.synth();
    return app.outdir;
  }

  /** An app that synthesizes into a new directory, for apps of several stacks. */
  newApp(): App {
    return new App({ outdir: path.join(this.directory, `cdk.out.${++this.synthesized}`) });
  }

  /** Adds a recording stack to an app or stage, and answers how to add resources to it. */
  addStack(scope: Construct, options: StackOptions = {}): { stack: Stack; resource: ResourceFactory } {
    const stack = new Stack(scope, options.stackName ?? 'Recorded', { env: { account: '111122223333', region: 'eu-west-1' } });
    const handler = (id: string, entry: string) => new lambda.Function(stack, id, {
      code: lambda.Code.fromAsset(this.codeDirectory),
      handler: `index.${entry}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: Duration.seconds(30),
      environment: { JOURNAL_FILE: this.journalFile, ...options.extraEnvironment },
    });
    const provider = new cr.Provider(stack, 'Provider', {
      onEventHandler: handler('OnEvent', 'onEvent'),
      isCompleteHandler: options.isComplete === false ? undefined : handler('IsComplete', 'isComplete'),
      queryInterval: options.isComplete === false ? undefined : options.queryInterval ?? Duration.seconds(5),
      totalTimeout: options.isComplete === false ? undefined : options.totalTimeout ?? Duration.minutes(5),
    });
    const resource: ResourceFactory = (id, properties) =>
      new CustomResource(stack, id, { serviceToken: provider.serviceToken, resourceType: RESOURCE_TYPE, properties });
    return { stack, resource };
  }

  deploy(app: string, options: Partial<RunnerOptions> = {}): Promise<Run> {
    return this.run(deploy, app, options);
  }

  destroy(app: string, options: Partial<RunnerOptions> = {}): Promise<Run> {
    return this.run(destroy, app, options);
  }

  /** What the handler received, in order; `since` drops what an earlier step saw. */
  journal(since = 0): JournalEntry[] {
    const text = fs.readFileSync(this.journalFile, 'utf8').trim();
    return (text ? text.split('\n').map(line => JSON.parse(line) as JournalEntry) : []).slice(since);
  }

  /** The onEvent calls as "RequestType LogicalId", for order assertions. */
  calls(since = 0): string[] {
    return this.journal(since).filter(entry => entry.handler === 'onEvent').map(entry => `${entry.requestType} ${entry.logicalId}`);
  }

  state() {
    return loadState(this.stateFile);
  }

  remove(): void {
    fs.rmSync(this.directory, { recursive: true, force: true });
  }

  private async run(operation: (options: RunnerOptions) => Promise<RunResult>, app: string, options: Partial<RunnerOptions>): Promise<Run> {
    const events: RunnerEvent[] = [];
    const result = await operation({
      app,
      stateFile: this.stateFile,
      roleCredentials: { accessKeyId: 'AKIARUNNERTESTS00001', secretAccessKey: 'runner-test-secret' },
      pollIntervalMs: 5,
      onEvent: event => events.push(event),
      ...options,
    });
    return { ...result, events };
  }
}

/** "STATUS LogicalId" of the resource events, for order assertions. */
export function resourceEvents(events: readonly RunnerEvent[], type = RESOURCE_TYPE): string[] {
  return events.filter(e => e.kind === 'resource' && e.resourceType === type).map(e => `${e.status} ${(e as { logicalId: string }).logicalId}`);
}

/** The reason of the first resource event with this status. */
export function reasonOf(events: readonly RunnerEvent[], status: string, logicalId?: string): string | undefined {
  const event = events.find(e => e.kind === 'resource' && e.status === status && (logicalId === undefined || e.logicalId === logicalId));
  return event?.kind === 'resource' ? event.reason : undefined;
}
