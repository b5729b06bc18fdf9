/**
 * What a user installs from npm: the compiled library and the bundled handler, and
 * nothing that needs esbuild, Docker or the handler's dependencies to synthesize.
 * Relies on the test task having bundled and compiled first (see .projenrc.ts).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

let workDir: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-pack-'));
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', workDir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [packed] = JSON.parse(output);
  tarball = path.join(workDir, packed.filename);
  files = packed.files.map((f: { path: string }) => f.path).sort();
}, 60_000);

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('the package holds the compiled library, its jsii assembly and the bundled handler', () => {
  expect(files).toEqual(expect.arrayContaining([
    '.jsii',
    'API.md',
    'LICENSE',
    'README.md',
    'assets/lambda/index/index.js',
    'assets/lambda/audit/index.js',
    'dist/lib/index.d.ts',
    'dist/lib/index.js',
    // The compiled library requires the compiled contract at run time.
    'dist/contract/resource-types.js',
    'package.json',
  ]));
  expect(packageJson.main).toBe('dist/lib/index.js');
  expect(packageJson.types).toBe('dist/lib/index.d.ts');
});

test('the package holds no TypeScript sources, tests, handler sources or local tools', () => {
  const typescriptSources = files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  expect(typescriptSources).toEqual([]);
  const outsideShippedFolders = files.filter(f => f.includes('/') && !/^(dist|assets)\//.test(f));
  expect(outsideShippedFolders).toEqual([]);
});

test('the package declares no runtime dependencies: the handler bundle carries its own', () => {
  expect(packageJson.dependencies ?? {}).toEqual({});
  expect(Object.keys(packageJson.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
});

test('a consumer app installed from the tarball synthesizes without esbuild or Docker', () => {
  const consumer = path.join(workDir, 'consumer');
  const installed = path.join(consumer, 'node_modules', packageJson.name);
  fs.mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  // Only the peer dependencies are provided, as a user's app would have them.
  for (const peer of ['aws-cdk-lib', 'constructs']) {
    fs.symlinkSync(path.join(root, 'node_modules', peer), path.join(consumer, 'node_modules', peer), 'dir');
  }
  fs.writeFileSync(path.join(consumer, 'app.js'), `
    const cdk = require('aws-cdk-lib');
    const lib = require('${packageJson.name}');
    let esbuild = 'absent';
    try { require.resolve('esbuild'); esbuild = 'present'; } catch {}
    const app = new cdk.App({ outdir: process.argv[2] });
    const stack = new cdk.Stack(app, 'Consumer', { env: { account: '111122223333', region: 'us-east-1' } });
    const access = new lib.FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'consumerenv' });
    // The provider, and so the handler asset, comes with the first group.
    new lib.PermissionGroup(stack, 'Group', { access, permissionGroupName: 'consumers' });
    app.synth();
    console.log(esbuild);
  `);
  const outdir = path.join(consumer, 'cdk.out');
  const printed = execFileSync(process.execPath, ['app.js', outdir], {
    cwd: consumer,
    encoding: 'utf8',
    // No Docker and no esbuild on the PATH: bundling must not be attempted.
    env: { PATH: path.dirname(process.execPath), HOME: consumer },
  });
  expect(printed.trim()).toBe('absent');

  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Consumer.template.json'), 'utf8'));
  const handlers = Object.values<any>(template.Resources)
    .filter(r => r.Type === 'AWS::Lambda::Function' && /index\.(onEvent|isComplete)/.test(r.Properties.Handler));
  expect(handlers).toHaveLength(2);
  const assetManifest = JSON.parse(fs.readFileSync(path.join(outdir, 'Consumer.assets.json'), 'utf8'));
  const assetDirs = Object.values<any>(assetManifest.files).map(f => f.source.path);
  const handlerAsset = assetDirs.find(dir => fs.existsSync(path.join(outdir, dir, 'index.js')));
  expect(handlerAsset).toBeDefined();
  expect(fs.readFileSync(path.join(outdir, handlerAsset, 'index.js'), 'utf8'))
    .toBe(fs.readFileSync(path.join(installed, 'assets', 'lambda', 'index', 'index.js'), 'utf8'));
}, 60_000);
