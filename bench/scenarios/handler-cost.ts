/**
 * Handler cost: the bytes of the bundle the npm package ships, and what loading
 * it and serving a first event cost in a fresh Node process, side by side with
 * the same handler built on the AWS SDK v2 Finspacedata client and bundled the
 * same way.
 */
import { execFile } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { HANDLER_ENVIRONMENT } from '../../contract/handler-settings';
import { buildHandlerAsset, bundleLikeTheHandler, bytesBySource, HANDLER_ENTRY, type BundleMetafile } from '../support/bundle';
import { withEmulator, type EmulatorProcess } from '../support/emulator-process';
import { ENVIRONMENT_ID, environmentSeed, HANDLER_ROLE_KEYS, userIds } from '../support/finspace-seed';
import type { Figure, SuiteResult } from '../support/report';
import { inTurn } from '../support/stats';
import { synthesizeMembership, type SynthesizedMembership } from '../support/synthesized-stack';

const run = promisify(execFile);

/**
 * The budget for the handler's own code in the bundle (lambda/ and contract/, as the
 * esbuild metafile counts them), read as 64,000 bytes (the stricter of kB and KiB).
 * The AWS SDK building blocks the client is made of (SigV4 signing, the retry
 * strategy) are not ours to cut: they are bounded with the whole bundle below.
 */
const OWN_CODE_BUDGET_BYTES = 64_000;
/**
 * The whole bundle against the same handler on the full aws-sdk v2 client, measured in
 * the same run: what building our own client on the SDK's building blocks must keep
 * paying for. A quarter is what it was designed for (0.16x when the bound was set).
 */
const SHARE_OF_V2_BUNDLE = 0.25;
/** The bundle's own code: what lambda/ and contract/ contribute. */
const OWN_SOURCES = new Set(['lambda', 'contract']);
const V2_ENTRY = 'bench/aws-sdk-v2/handler.ts';
/** Users the first event adds: a credential call, one listing page and 10 writes. */
const FIRST_EVENT_USERS = 10;

export interface HandlerCostOptions {
  readonly runs: number;
}

interface ColdStart {
  /** require() of the bundle: read, compile, run its top level. */
  readonly loadMs: number;
  /** The first onEvent, from call to answer. */
  readonly firstInvocationMs: number;
}

/**
 * Runs in a fresh `node`: times require() of the bundle, then the first onEvent
 * (the event arrives through the environment), and prints one result line.
 */
const COLD_START_SCRIPT = `
const started = process.hrtime.bigint();
const handler = require(process.env.BENCH_BUNDLE);
const loaded = process.hrtime.bigint();
handler.onEvent(JSON.parse(process.env.BENCH_EVENT)).then(() => {
  const answered = process.hrtime.bigint();
  process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({ loadMs: Number(loaded - started) / 1e6, firstInvocationMs: Number(answered - loaded) / 1e6 }) + '\\n');
}, error => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

async function coldStart(bundle: string, emulator: EmulatorProcess, membership: SynthesizedMembership, groupId: string): Promise<ColdStart> {
  const resource = membership.resources[0];
  const event = {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:bench-framework-onEvent',
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/bench',
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/BenchMembership/0f3e4c50-0000-4000-8000-000000000000',
    RequestId: randomUUID(),
    LogicalResourceId: resource.logicalId,
    ResourceType: resource.type,
    ResourceProperties: { ServiceToken: 'token', ...resource.properties, PermissionGroupId: groupId },
  };
  const { stdout } = await run(process.execPath, ['-e', COLD_START_SCRIPT], {
    env: {
      PATH: process.env.PATH,
      // What Lambda sets for the function, pointed at the emulator, but no rollback
      // record: a bare node process serves no Parameter Store, and both handlers compared
      // here leave it out alike.
      ...membership.onEvent.environment,
      [HANDLER_ENVIRONMENT.preexistingMembersPath]: '',
      AWS_REGION: emulator.region,
      AWS_ACCESS_KEY_ID: HANDLER_ROLE_KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: HANDLER_ROLE_KEYS.secretAccessKey,
      AWS_ENDPOINT_URL_FINSPACE_DATA: emulator.endpoint,
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      BENCH_BUNDLE: bundle,
      BENCH_EVENT: JSON.stringify(event),
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split('\n').find(l => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`no result from the cold start of ${bundle}: ${stdout}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as ColdStart;
}

function describeSources(metafile: BundleMetafile, top: number): string {
  return bytesBySource(metafile).slice(0, top).map(([source, bytes]) => `${source} ${bytes.toLocaleString('en-US')}`).join(', ');
}

export async function handlerCost(options: HandlerCostOptions): Promise<SuiteResult> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cost-'));
  try {
    const ours = buildHandlerAsset();
    const oursBytes = fs.statSync(ours).size;
    // The same command again, for esbuild's account of where the bytes come from.
    const oursMeta = await bundleLikeTheHandler(HANDLER_ENTRY, path.join(work, 'ours.js'));
    if (fs.statSync(path.join(work, 'ours.js')).size !== oursBytes) throw new Error('the projen bundle and its rebuild differ');
    const v2 = path.join(work, 'aws-sdk-v2.js');
    const v2Meta = await bundleLikeTheHandler(V2_ENTRY, v2);
    const v2Bytes = fs.statSync(v2).size;

    const users = userIds(FIRST_EVENT_USERS);
    const membership = synthesizeMembership({ userIds: users });
    const samples = { ours: [] as ColdStart[], v2: [] as ColdStart[] };
    await withEmulator(async emulator => {
      const groups = Array.from({ length: (options.runs + 1) * 2 }, (_, i) => `costgroup${String(i).padStart(4, '0')}`);
      await emulator.seed(environmentSeed({ users, extraGroups: groups }));
      let next = 0;
      // Not measured: the emulator's own code runs cold on its first requests.
      for (const bundle of [ours, v2]) await coldStart(bundle, emulator, membership, groups[next++]);
      for (let i = 0; i < options.runs; i++) {
        for (const variant of inTurn(i, ['ours', 'v2'] as const)) {
          samples[variant].push(await coldStart(variant === 'ours' ? ours : v2, emulator, membership, groups[next++]));
        }
      }
    });

    const perRun = (bytes: number) => samples.ours.map(() => bytes);
    const ownCodeBytes = bytesBySource(oursMeta).filter(([source]) => OWN_SOURCES.has(source)).reduce((sum, [, bytes]) => sum + bytes, 0);
    const figures: Figure[] = [
      {
        name: 'handler bundle: own code (lambda/, contract/)',
        unit: 'bytes',
        measured: perRun(ownCodeBytes),
        baselineName: 'budget (64 kB)',
        baseline: perRun(OWN_CODE_BUDGET_BYTES),
        target: { op: '<=', value: 1 },
      },
      {
        name: 'handler bundle (assets/lambda/index/index.js)',
        unit: 'bytes',
        measured: perRun(oursBytes),
        baselineName: 'same handler on aws-sdk v2',
        baseline: perRun(v2Bytes),
        target: { op: '<=', value: SHARE_OF_V2_BUNDLE },
      },
      {
        name: 'module load (require)',
        unit: 'ms',
        measured: samples.ours.map(s => s.loadMs),
        baselineName: 'same handler on aws-sdk v2',
        baseline: samples.v2.map(s => s.loadMs),
      },
      {
        name: `first invocation (onEvent adding ${FIRST_EVENT_USERS} members)`,
        unit: 'ms',
        measured: samples.ours.map(s => s.firstInvocationMs),
        baselineName: 'same handler on aws-sdk v2',
        baseline: samples.v2.map(s => s.firstInvocationMs),
      },
    ];
    return {
      suite: 'Handler cost',
      runs: options.runs,
      figures,
      notes: [
        'Both bundles are built with the build\'s own esbuild options (projenrc/handler-bundle.ts, including the plugin that marks ' +
          '@smithy/core\'s module-scope factories pure), the asset by `npx projen bundle` itself; the v2 handler is lambda/ with ' +
          'bench/aws-sdk-v2/finspace-client.ts in place of lambda/finspace.',
        `Where the handler's bytes go (esbuild metafile): ${describeSources(oursMeta, 8)}.`,
        `The v2 handler's: ${describeSources(v2Meta, 4)}.`,
        'Load and first invocation: a fresh `node` per sample, with the function\'s synthesized environment pointed at the emulator; the first onEvent fetches FinSpace credentials, lists the group (one page) and adds ' +
          `${FIRST_EVENT_USERS} users; no latency is injected, so the figures are the handler's own work plus loopback round trips. Node's own start-up is not included.`,
        `Samples alternate between the two handlers, after one unmeasured sample of each (the emulator's code is cold at first); environment ${ENVIRONMENT_ID}, one fresh group per sample.`,
      ],
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
