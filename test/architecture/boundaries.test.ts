/**
 * The layout's boundaries are lint rules (.projenrc.ts): these tests prove that a
 * forbidden import fails lint with the rule's own message, and that the product's
 * tree has none.
 */
import * as path from 'path';
import { loadESLint, type ESLint as ESLintInstance } from 'eslint';

const root = path.join(__dirname, '..', '..');
const BOUNDARY_RULES = new Set(['import/no-restricted-paths', 'import/no-nodejs-modules']);

let eslint: ESLintInstance;

beforeAll(async () => {
  const ESLint = await loadESLint({ useFlatConfig: false });
  eslint = new ESLint({
    cwd: root,
    // The boundary rules resolve paths and need no type information, so files that do
    // not exist on disk can be linted; the rules that do need it are turned off.
    overrideConfig: {
      parserOptions: { project: null },
      rules: {
        '@typescript-eslint/no-floating-promises': 'off',
        '@typescript-eslint/return-await': 'off',
        '@typescript-eslint/no-misused-promises': 'off',
      },
    },
  }) as ESLintInstance;
});

async function boundaryErrors(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path.join(root, filePath) });
  return result.messages.filter(m => m.ruleId && BOUNDARY_RULES.has(m.ruleId)).map(m => `${m.ruleId}: ${m.message}`);
}

test('the handler may not import the CDK', async () => {
  expect(await boundaryErrors('lambda/probe.ts', "import { Stack } from 'aws-cdk-lib';\nexport const probe = Stack;\n")).toEqual([
    'import/no-restricted-paths: Unexpected path "aws-cdk-lib" imported in restricted zone. ' +
      'The handler shares only contract/ with the constructs, and never bundles the CDK.',
  ]);
});

test('the handler may not import the construct library', async () => {
  expect(await boundaryErrors('lambda/probe.ts', "import { PermissionGroup } from '../lib';\nexport const probe = PermissionGroup;\n")).toEqual([
    'import/no-restricted-paths: Unexpected path "../lib" imported in restricted zone. ' +
      'The handler shares only contract/ with the constructs, and never bundles the CDK.',
  ]);
});

test('the construct library may not import the handler', async () => {
  expect(await boundaryErrors('lib/probe.ts', "import { handle } from '../lambda';\nexport const probe = handle;\n")).toEqual([
    'import/no-restricted-paths: Unexpected path "../lambda" imported in restricted zone. The constructs share only contract/ with the handler.',
  ]);
});

test('the contract imports nothing outside itself, not even Node built-ins', async () => {
  const text = "import * as fs from 'fs';\nimport { handle } from '../lambda';\nexport const probe = [fs, handle];\n";
  expect(await boundaryErrors('contract/probe.ts', text)).toEqual([
    'import/no-nodejs-modules: Do not import Node.js builtin module "fs"',
    'import/no-restricted-paths: Unexpected path "../lambda" imported in restricted zone. contract/ is dependency-free: it imports only contract/.',
  ]);
});

test('the product may not import the local tooling', async () => {
  expect(await boundaryErrors('lambda/probe.ts', "import { FinSpaceEmulator } from '../local/emulator';\nexport const probe = FinSpaceEmulator;\n")).toEqual([
    'import/no-restricted-paths: Unexpected path "../local/emulator" imported in restricted zone. ' +
      'The product never imports the local tooling, benchmarks or tests.',
  ]);
});

test('the handler and the constructs may both import the contract', async () => {
  const text = "import { PERMISSION_GROUP_RESOURCE_TYPE } from '../contract/resource-types';\nexport const probe = PERMISSION_GROUP_RESOURCE_TYPE;\n";
  expect(await boundaryErrors('lambda/probe.ts', text)).toEqual([]);
  expect(await boundaryErrors('lib/probe.ts', text)).toEqual([]);
});

test('the product tree breaks no boundary', async () => {
  const results = await eslint.lintFiles(['contract', 'lib', 'lambda'].map(folder => `${folder}/**/*.ts`));
  expect(results.length).toBeGreaterThan(30);
  const violations = results.flatMap(result => result.messages
    .filter(m => m.ruleId && BOUNDARY_RULES.has(m.ruleId))
    .map(m => `${path.relative(root, result.filePath)}:${m.line} ${m.message}`));
  expect(violations).toEqual([]);
}, 60_000);
