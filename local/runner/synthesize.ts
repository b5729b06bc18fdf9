/**
 * Synthesizes a CDK app file into a cloud assembly as the CDK CLI runs an app: a child
 * process with CDK_OUTDIR and CDK_CONTEXT_JSON set, the context holding what the CLI adds
 * by default; TypeScript apps run under ts-node, as `cdk.json` apps do.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

export interface SynthesizeOptions {
  /** The app's entry file (.ts or .js). */
  readonly app: string;
  readonly outdir: string;
  /** Added to the CLI's defaults, as `-c key=value` or cdk.json's context would be. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** The tsconfig ts-node compiles a TypeScript app with. */
  readonly tsconfig?: string;
}

/** Returns the assembly directory. */
export async function synthesizeApp(options: SynthesizeOptions): Promise<string> {
  // What `cdk synth` sets unless told otherwise: construct paths and asset metadata in the template, version reporting.
  const cliContext = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:version-reporting': true };
  const typescript = options.app.endsWith('.ts') ? ['--require', 'ts-node/register/transpile-only'] : [];
  try {
    await promisify(execFile)(process.execPath, [...typescript, options.app], {
      cwd: path.dirname(options.tsconfig ?? options.app),
      env: {
        ...process.env,
        CDK_OUTDIR: options.outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ ...cliContext, ...options.context }),
        ...(options.tsconfig ? { TS_NODE_PROJECT: options.tsconfig } : {}),
      },
    });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`synthesizing ${options.app} failed:\n${stderr || (error as Error).message}`);
  }
  return options.outdir;
}
