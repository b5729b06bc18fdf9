import { awscdk, javascript, JsonFile, TextFile } from 'projen';

/**
 * The aws-cdk-lib floor. 2.193.0 is the oldest release that has everything the
 * constructs use (Runtime.NODEJS_22_X, CustomResource serviceTimeout, the Provider
 * framework's per-function roles and log groups, Annotations.addWarningV2) and that
 * has a matching @aws-cdk/integ-tests-alpha in the registry. Tests run against the
 * floor itself, so a user on it gets exactly what CI proved.
 */
const CDK_FLOOR = '2.193.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-finspace-permission-groups',
  description:
    'AWS CDK constructs that declare Amazon FinSpace Data permission groups and their members, ' +
    'created, updated and deleted by cdk deploy through a bundled custom-resource handler.',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'finspace', 'finspace-data', 'permission-group', 'custom-resource'],
  license: 'Apache-2.0',
  author: 'cdk-finspace-permission-groups contributors',
  authorAddress: 'https://github.com/cdk-finspace/cdk-finspace-permission-groups/graphs/contributors',
  repositoryUrl: 'https://github.com/cdk-finspace/cdk-finspace-permission-groups.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  cdkVersion: CDK_FLOOR,
  constructsVersion: '10.4.2',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  projenVersion: '0.103.25',

  // Sources in lib/, compiled output elsewhere: compiling in place lets jest pick
  // up stale .js files next to the sources.
  srcdir: 'lib',
  libdir: 'dist',
  artifactsDirectory: 'pkg',

  // The other registries are unreachable from the build machines: the release
  // job (which has internet access) packages these; local builds package js only.
  publishToPypi: { distName: 'cdk-finspace-permission-groups', module: 'cdk_finspace_permission_groups' },
  publishToMaven: {
    javaPackage: 'io.github.cdkfinspace.permissiongroups',
    mavenGroupId: 'io.github.cdk-finspace',
    mavenArtifactId: 'cdk-finspace-permission-groups',
  },
  publishToNuget: { dotNetNamespace: 'CdkFinSpace.PermissionGroups', packageId: 'CdkFinSpace.PermissionGroups' },
  publishToGo: { moduleName: 'github.com/cdk-finspace/cdk-finspace-permission-groups-go' },

  docgen: true,
  eslint: true,
  eslintOptions: {
    dirs: ['lib'],
    // The handler's packages are bundled at build time, so they are devDependencies.
    devdirs: ['lambda', 'local', 'model', 'example', 'test', 'bench'],
    // One type-aware config for every tree, not only lib/ (what tsconfig.json covers).
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  jest: true,
  jestOptions: {
    jestVersion: '^29',
    // --ci: a missing snapshot fails instead of being written silently.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
    },
  },
  sampleCode: false,
  githubOptions: { mergify: false },

  devDeps: [
    'ts-jest@^29',
    '@types/jest@^29',
    'esbuild@~0.28.0',
    'aws-cdk@2.1148.1',
    '@types/aws-lambda',
    // The handler's FinSpace client: bundled into the Lambda asset, so users never install them.
    '@smithy/signature-v4',
    '@smithy/protocol-http',
    '@smithy/node-http-handler',
    '@smithy/util-retry',
    '@smithy/types',
    '@aws-crypto/sha256-js',
    '@aws-sdk/credential-provider-env',
    '@smithy/core',
    // v3 is the last CommonJS major: jest loads it without an ESM transform.
    'p-limit@^3',
    // The only packaged FinSpace Data client left: proves the emulator speaks the real protocol.
    'aws-sdk@^2',
    // What the Lambda Node.js runtime provides the Provider framework's own code, which the local runner runs.
    '@aws-sdk/client-lambda@3.1178.0',
    '@aws-sdk/client-sfn@3.1178.0',
  ],
});

// eslint-import-resolver-typescript >= 3.10 pulls in unrs-resolver, whose non-Linux
// binaries this registry lacks: `npm ci` then rejects the lockfile. The eslint
// component adds the resolver itself, so pin it after the fact.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.8.0');

// The jsii entry point lives in the compiled folder, not projen's default lib/.
project.package.addField('main', 'dist/index.js');
project.package.addField('types', 'dist/index.d.ts');

// One handler bundle for both resource types; ships inside the npm package. projen's
// bundler wires the task, the assets folder and the ignore files; the esbuild options
// live in projenrc/handler-bundle.ts, run as a script because they include a plugin.
project.bundler.addBundle('lambda/index.ts', { platform: 'node', target: 'node22' });
project.tasks.tryFind('bundle:lambda/index')!
  .reset('ts-node --transpile-only --project tsconfig.dev.json projenrc/handler-bundle.ts');

// Everything outside lib/ is type-checked here: ts-jest runs with isolatedModules and does not.
new JsonFile(project, 'tsconfig.dev.json', {
  obj: {
    extends: './tsconfig.json',
    compilerOptions: { rootDir: '.', noEmit: true, types: ['jest', 'node'] },
    include: ['lib/**/*.ts', 'lambda/**/*.ts', 'local/**/*.ts', 'model/**/*.ts', 'test/**/*.ts', 'example/**/*.ts', 'bench/**/*.ts', 'projenrc/**/*.ts', '.projenrc.ts'],
    exclude: ['node_modules', 'cdk.out', 'test/**/cdk.out'],
  },
});

new JsonFile(project, 'cdk.json', {
  obj: {
    app: 'npx ts-node --transpile-only --project tsconfig.dev.json example/app.ts',
    output: 'cdk.out',
    context: { '@aws-cdk/core:newStyleStackSynthesis': true },
  },
});
project.gitignore.exclude('cdk.out/', '*.tgz', '/pkg/', '/dist/', '.jsii.tabl.json');
// projen writes an unanchored `dist` line that would drop the compiled library.
project.npmignore?.removePatterns('dist');
project.npmignore?.exclude(
  // jsii-pacmak appends its outdir to .npmignore unless this exact line is there.
  'pkg',
  '/example/', '/local/', '/model/', '/lambda/', '/cdk.json', '/cdk.out/', '/tsconfig.dev.json', '/.ci/', '/test/', '/rosetta/', '/bench/', '/BENCHMARKS.md');

// Locally only the JavaScript package can be built (PyPI, Maven Central and NuGet are
// unreachable); the release workflow runs package:python/java/dotnet/go in jobs of their own.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

const typecheck = project.addTask('typecheck', {
  description: 'Type-check everything outside lib/ (handler, emulator, tests, example)',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
const rosetta = project.addTask('rosetta', {
  description: 'Compile the README examples the way Construct Hub translates them',
  exec: 'jsii-rosetta extract --strict --compile',
});

// Local deployment (local/runner), the demo (local/demo) and the integration tests (test/integ).
project.addDevDeps(
  `@aws-cdk/integ-tests-alpha@${CDK_FLOOR}-alpha.0`,
  '@aws-cdk/integ-runner@2.197.10',
  // cdk-nag 2.38+ needs constructs ^10.5.1 and 3.x needs aws-cdk-lib ^2.257.
  'cdk-nag@~2.37.55',
);
project.gitignore.exclude('/local-runner-state.json');

const tsNode = 'ts-node --transpile-only --project tsconfig.dev.json';
project.addTask('emulator', {
  description: 'Serve the FinSpace Data emulator: npm run emulator -- --port PORT --seed FILE',
  exec: `${tsNode} local/emulator/cli.ts`,
  receiveArgs: true,
});
project.addTask('local', {
  description: 'Deploy or destroy a synthesized app against a local FinSpace endpoint (local/runner)',
  exec: `${tsNode} local/runner/cli.ts`,
  receiveArgs: true,
});
const demo = project.addTask('demo', {
  description: 'Deploy, change and destroy the example app against the FinSpace emulator (local/demo)',
});
demo.spawn(project.tasks.tryFind('bundle')!);
demo.exec(`${tsNode} local/demo/index.ts`);

// Both play the handler bundle: build it first, as the demo does.
const chaos = project.addTask('chaos', {
  description: 'Randomized lifecycles under injected faults (RELIABILITY.md): npm run chaos -- --sequences 500 --seed N',
});
chaos.spawn(project.tasks.tryFind('bundle')!);
chaos.exec(`${tsNode} local/chaos/cli.ts`, { receiveArgs: true });
const bench = project.addTask('bench', {
  description: 'Run the benchmarks (BENCHMARKS.md): npm run bench -- [--runs N] [--only SUITE,...] [--markdown] [--json FILE]',
});
bench.spawn(project.tasks.tryFind('bundle')!);
bench.exec(`${tsNode} bench/run.ts`, { receiveArgs: true });

// Without --update-on-failed, integ-runner only synthesizes and compares: nothing is deployed.
const integRunner = 'integ-runner --directory test/integ --language typescript --parallel-regions us-east-1 ' +
  '--app "node -r ts-node/register/transpile-only {filePath}"';
const integ = project.addTask('integ', {
  description: "Check the integration tests' committed snapshots (synthesis only)",
  env: { AWS_REGION: 'us-east-1' },
  exec: integRunner,
});
project.addTask('integ:update', {
  description: 'Rewrite the integration test snapshots after an intended change (--dry-run: nothing is deployed)',
  env: { AWS_REGION: 'us-east-1' },
  exec: `${integRunner} --update-on-failed --dry-run`,
});

// `npm test` must pass on a fresh clone: bundle and compile first (the pack test and
// rosetta need the compiled package), then type-check, jest, eslint and the README.
project.testTask.reset();
project.testTask.spawn(project.preCompileTask);
project.testTask.spawn(project.compileTask);
project.testTask.spawn(typecheck);
project.testTask.exec('jest --ci', { receiveArgs: true });
project.testTask.spawn(integ);
project.testTask.spawn(project.tasks.tryFind('eslint')!);
project.testTask.spawn(rosetta);

new TextFile(project, '.ci/run', {
  lines: [
    '#!/usr/bin/env bash',
    '# CI: the README\'s own commands on a clean checkout, then the full build, which',
    '# must leave no tracked file changed (stale API.md, snapshots, generated files).',
    'set -euo pipefail',
    'cd "$(dirname "$0")/.."',
    'npm ci',
    'npm test',
    'npm run demo',
    'npx cdk synth --no-notices --quiet',
    'npx projen build',
    'if [ -n "$(git status --porcelain)" ]; then',
    '  echo "The build changed files in the checkout; commit them:" >&2',
    '  git status --porcelain >&2',
    '  git --no-pager diff --stat >&2',
    '  exit 1',
    'fi',
    'echo "ci: clean checkout installs, tests and builds without changing tracked files"',
  ],
  executable: true,
});

// The build machines run Node 20 (end of life); the handler itself runs on nodejs22.x.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

project.synth();
