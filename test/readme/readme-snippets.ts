/**
 * The TypeScript examples of README.md, as a user pastes them: found by the section
 * they stand in, type-checked together with the library's sources, and run with
 * `this` bound to a stack.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ts from 'typescript';

const REPO = path.join(__dirname, '..', '..');

export interface ReadmeSnippet {
  /** The `## ` section the example stands in. */
  readonly section: string;
  /** What follows `ts` on the opening fence, such as `fixture=with-access`. */
  readonly fence: string;
  readonly code: string;
}

export function readmeSnippets(): ReadmeSnippet[] {
  const snippets: ReadmeSnippet[] = [];
  let section = '';
  const lines = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.*)$/.exec(lines[i]);
    if (heading) section = heading[1];
    const opening = /^```ts\b(.*)$/.exec(lines[i]);
    if (!opening) continue;
    const end = lines.indexOf('```', i + 1);
    snippets.push({ section, fence: opening[1].trim(), code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return snippets;
}

/** The one example of a section whose fence names this fixture. */
export function snippetWithFixture(section: string, fixture: string): ReadmeSnippet {
  const found = readmeSnippets().filter(s => s.section === section && s.fence === `fixture=${fixture}`);
  if (found.length !== 1) throw new Error(`README: expected one example with fixture=${fixture} in "${section}", found ${found.length}`);
  return found[0];
}

/**
 * Type errors of `code`, the body of a stack's constructor after `imports`, compiled
 * with the repository's settings; 'cdk-finspace-permission-groups' is lib/.
 */
export function typeErrors(imports: string, code: string): string[] {
  const fileName = path.join(REPO, 'test', 'readme', 'pasted-readme.ts');
  const source = `${imports}\nexport class PastedStack extends Stack {\n  constructor(scope: Construct, id: string) {\n    super(scope, id);\n${code}\n  }\n}\n`;
  const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO, 'tsconfig.dev.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: diagnostic => { throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')); },
  })!;
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    paths: { 'cdk-finspace-permission-groups': [path.join(REPO, 'lib', 'index.ts')] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile;
  host.readFile = name => (path.resolve(name) === fileName ? source : readFile(name));
  const fileExists = host.fileExists;
  host.fileExists = name => path.resolve(name) === fileName || fileExists(name);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, languageVersion, ...rest) => (path.resolve(name) === fileName
    ? ts.createSourceFile(name, source, languageVersion, true)
    : getSourceFile(name, languageVersion, ...rest));
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map(diagnostic => {
    const where = diagnostic.file && diagnostic.start !== undefined
      ? `${path.basename(diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1} `
      : '';
    return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

/** Runs `code` as the body of the stack's constructor; `bindings` are what its imports would give it. */
export function runInStack(stack: Stack, code: string, bindings: Record<string, unknown>): void {
  const javascript = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.None } }).outputText;
  const names = Object.keys(bindings);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const body = new Function(...names, javascript) as (...values: unknown[]) => void;
  body.call(stack, ...names.map(name => bindings[name]));
}
