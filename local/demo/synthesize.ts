/**
 * Synthesizes the example app (example/app.ts) as `npx cdk synth` would: with
 * cdk.json's context, offline and without credentials (the app looks nothing up).
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthesizeApp } from '../runner';

const ROOT = path.join(__dirname, '..', '..');
const HANDLER_BUNDLE = path.join(ROOT, 'assets', 'lambda', 'index', 'index.js');

export async function synthesizeExample(outdir: string, context: Record<string, string> = {}): Promise<string> {
  if (!fs.existsSync(HANDLER_BUNDLE)) {
    throw new Error(`the handler bundle ${path.relative(ROOT, HANDLER_BUNDLE)} is missing: run npx projen bundle first (npm run demo does)`);
  }
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return synthesizeApp({
    app: path.join(ROOT, 'example', 'app.ts'),
    outdir,
    context: { ...cdkJson.context, ...context },
    tsconfig: path.join(ROOT, 'tsconfig.dev.json'),
  });
}
