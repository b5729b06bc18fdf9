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
    dirs: ['lib', 'contract'],
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
      // Tests that need the newest aws-cdk-lib (and cdk-nag 3) run in .ci/newest-cdk only.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/newest-cdk/'],
      collectCoverage: false,
      // Tests wait for conditions, never for durations: this is only a ceiling, high enough
      // that a test slowed by a busy machine (a simulated outage runs hundreds of polls) is
      // not failed for it.
      testTimeout: 120_000,
    },
  },
  sampleCode: false,
  // Never released, and shaped by its first users: experimental until 1.0 (see README).
  stability: 'experimental',
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
    '@smithy/util-retry',
    '@smithy/types',
    '@aws-sdk/credential-provider-env',
    '@smithy/core',
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

// lib/ imports the dependency-free contract/ that the handler shares, so the compiler's
// root is the repository: dist/lib/ and dist/contract/. jsii accepts sources outside
// lib/ as long as its public API is declared in lib/.
project.tsconfig!.file.addOverride('compilerOptions.rootDir', '.');
project.tsconfig!.addInclude('contract/**/*.ts');
project.package.addField('main', 'dist/lib/index.js');
project.package.addField('types', 'dist/lib/index.d.ts');

// The architecture, enforced: the contract imports nothing outside itself, the handler
// never reaches the construct library or the CDK (they would end up in its bundle), the
// constructs never reach the handler, and the product never reaches the tooling.
// test/architecture/boundaries.test.ts proves that a forbidden import fails.
const TOOLING = ['./local', './model', './bench', './test', './example'];
project.eslint!.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      { target: './contract', from: '.', except: ['./contract'], message: 'contract/ is dependency-free: it imports only contract/.' },
      {
        target: './lambda',
        from: ['./lib', './node_modules/aws-cdk-lib', './node_modules/constructs'],
        message: 'The handler shares only contract/ with the constructs, and never bundles the CDK.',
      },
      { target: './lib', from: './lambda', message: 'The constructs share only contract/ with the handler.' },
      { target: ['./lib', './lambda', './contract'], from: TOOLING, message: 'The product never imports the local tooling, benchmarks or tests.' },
    ],
  }],
});
// Node's built-ins are not paths, so no zone catches them.
project.eslint!.addOverride({ files: ['contract/**/*.ts'], rules: { 'import/no-nodejs-modules': 'error' } });

// One handler bundle for both resource types; ships inside the npm package. projen's
// bundler wires the task, the assets folder and the ignore files; the esbuild options
// live in projenrc/handler-bundle.ts, run as a script because they include a plugin.
project.bundler.addBundle('lambda/index.ts', { platform: 'node', target: 'node20' });
project.tasks.tryFind('bundle:lambda/index')!
  .reset('ts-node --transpile-only --project tsconfig.dev.json projenrc/handler-bundle.ts');

// Everything outside lib/ is type-checked here: ts-jest runs with isolatedModules and does not.
const DEV_SOURCES = ['contract/**/*.ts', 'lib/**/*.ts', 'lambda/**/*.ts', 'local/**/*.ts', 'model/**/*.ts', 'test/**/*.ts', 'example/**/*.ts', 'bench/**/*.ts', 'projenrc/**/*.ts', '.projenrc.ts'];
new JsonFile(project, 'tsconfig.dev.json', {
  obj: {
    extends: './tsconfig.json',
    compilerOptions: { rootDir: '.', noEmit: true, types: ['jest', 'node'] },
    include: DEV_SOURCES,
    exclude: ['node_modules', 'cdk.out', 'test/**/cdk.out', 'test/newest-cdk'],
  },
});
// The same and test/newest-cdk, which compiles against the newest aws-cdk-lib and cdk-nag 3 only.
new JsonFile(project, 'tsconfig.newest-cdk.json', {
  obj: {
    extends: './tsconfig.dev.json',
    include: DEV_SOURCES,
    exclude: ['node_modules', 'cdk.out', 'test/**/cdk.out'],
  },
});
project.eslint?.addIgnorePattern('test/newest-cdk/');

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
  '/example/', '/local/', '/model/', '/lambda/', '/contract/', '/cdk.json', '/cdk.out/', '/tsconfig.dev.json', '/.ci/', '/test/', '/rosetta/', '/bench/', '/BENCHMARKS.md');

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
project.gitignore.exclude('/local-runner-state.json', '/local-runner-state.json.assets');

const tsNode = 'ts-node --transpile-only --project tsconfig.dev.json';
// The emulator runs from an esbuild bundle: building it takes about 0.1 s, transpiling it
// with ts-node on every start took a second idle and many on a busy machine. It is rebuilt
// on every start, so it is never stale. npm runs the two commands itself (without projen
// in between, which costs another 0.4 s) and `exec` hands signals straight to the server.
const EMULATOR_BUNDLE = 'build/emulator/cli.js';
const bundleEmulator = project.addTask('bundle:emulator', {
  description: 'Bundle the FinSpace Data emulator CLI into build/emulator (what `npm run emulator` serves from)',
  exec: `esbuild local/emulator/cli.ts --bundle --platform=node --target=node20 --sourcemap --log-level=warning --outfile=${EMULATOR_BUNDLE}`,
});
const serveEmulator = `node --enable-source-maps ${EMULATOR_BUNDLE}`;
const emulator = project.addTask('emulator', {
  description: 'Serve the FinSpace Data emulator: npm run emulator -- --port PORT --seed FILE',
});
emulator.spawn(bundleEmulator);
emulator.exec(serveEmulator, { receiveArgs: true });
project.package.setScript('emulator', `${bundleEmulator.steps[0].exec} && exec ${serveEmulator}`);
project.gitignore.exclude('/build/');
project.npmignore?.exclude('/build/');
// `npm run local` and `npm run chaos` run their CLI directly, as `npm run emulator` does:
// projen's task runner turns every failing exit code into 1, and these CLIs document 2 for
// bad arguments.
const runner = project.addTask('local', {
  description: 'Deploy or destroy a synthesized app against a local FinSpace endpoint (local/runner)',
  exec: `${tsNode} local/runner/cli.ts`,
  receiveArgs: true,
});
project.package.setScript('local', `exec ${runner.steps[0].exec}`);
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
project.package.setScript('chaos', `projen bundle && exec ${tsNode} local/chaos/cli.ts`);
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
    '.ci/newest-cdk',
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

new TextFile(project, '.ci/newest-cdk', {
  lines: [
    '#!/usr/bin/env bash',
    '# The construct tests, the README examples, the example synth and cdk-nag 2 and 3 against the',
    '# newest aws-cdk-lib and constructs the registry serves, in a scratch copy of the tracked tree:',
    '# the checkout, its lockfile and its integration snapshots stay on the floor. Fails on a',
    '# floor-vs-newest template difference that matters to users (test/newest-cdk/floor-vs-newest.test.ts).',
    'set -euo pipefail',
    'cd "$(dirname "$0")/.."',
    'scratch="$(mktemp -d "${TMPDIR:-/tmp}/newest-cdk.XXXXXX")"',
    'trap \'rm -rf "$scratch"\' EXIT',
    'git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$scratch"',
    'cd "$scratch"',
    'npm ci --no-audit --no-fund',
    'npx projen bundle',
    'npx cdk synth --no-notices --quiet -o floor.out',
    'cdk_lib="$(npm view aws-cdk-lib version)"',
    'constructs="$(npm view constructs version)"',
    // The highest 3.x: npm view lists the matching versions in publication order.
    'nag3="$(npm view \'cdk-nag@3\' version --json | node -e "const v = [].concat(JSON.parse(require(\'fs\').readFileSync(0, \'utf8\'))); console.log(v.sort(require(\'semver\').compare).pop())")"',
    'echo "newest-cdk: aws-cdk-lib $cdk_lib, constructs $constructs, cdk-nag $nag3 (as cdk-nag-v3)"',
    '# cdk-nag 2 stays `cdk-nag` (test/example/nag.test.ts); cdk-nag 3 comes in under an alias.',
    'npm install --no-save --no-audit --no-fund "aws-cdk-lib@$cdk_lib" "constructs@$constructs" "cdk-nag-v3@npm:cdk-nag@$nag3"',
    'npx tsc --noEmit -p tsconfig.newest-cdk.json',
    'npx cdk synth --no-notices --quiet -o newest.out',
    'FLOOR_CDK_OUT="$scratch/floor.out" NEWEST_CDK_OUT="$scratch/newest.out" \\',
    '  npx jest --ci --testPathIgnorePatterns /node_modules/ -- test/lib test/example test/readme test/newest-cdk',
    'echo "newest-cdk: constructs, README examples, example synth and cdk-nag 2 and 3 pass on aws-cdk-lib $cdk_lib"',
  ],
  executable: true,
});

// The build machines run Node 20 (end of life); the handler runs on nodejs22.x or later.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

project.synth();
