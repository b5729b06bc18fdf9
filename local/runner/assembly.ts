/**
 * The parts of a cloud assembly (cdk.out) the runner deploys: its stacks in
 * dependency order and where their file assets are, read with aws-cdk-lib's own
 * cx-api (the reader the CDK CLI uses).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AssetManifestArtifact, CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { Template } from './template';

export type Assembly = ReturnType<typeof readAssembly>;
export type AssemblyStack = Assembly['stacks'][number];

export function readAssembly(directory: string) {
  if (!fs.existsSync(path.join(directory, 'manifest.json'))) {
    throw new Error(`${directory} is not a cloud assembly (no manifest.json): synthesize the app first, e.g. npx cdk synth`);
  }
  // cx-api sorts each assembly's stacks by their dependencies, which never cross a stage (a nested assembly).
  const artifacts = new CloudAssembly(directory).stacksRecursively;
  const stacks = artifacts.map(artifact => {
    const { account, region } = artifact.environment;
    // The display name is the construct path, followed by " (stack name)" when they differ.
    const stackPath = artifact.displayName.replace(/ \(.*\)$/, '');
    return {
      stackName: artifact.stackName,
      // cdk also accepts the construct path (e.g. Stage/Stack) as a stack's name.
      path: stackPath,
      // Undefined for environment-agnostic stacks.
      account: account === 'unknown-account' ? undefined : account,
      region: region === 'unknown-region' ? undefined : region,
      template: artifact.template as Template,
      // Measured against CloudFormation's size limit.
      templateBody: fs.readFileSync(artifact.templateFullPath, 'utf8'),
      dependencies: artifacts.filter(other => artifact.dependencies.some(dependency => dependency.id === other.id)).map(other => other.stackName),
      // Logical id to construct path below the stack (e.g. Analysts/Resource/Default).
      constructPaths: Object.fromEntries(artifact.findMetadataByType('aws:cdk:logicalId')
        .map(entry => [String(entry.data), entry.path.replace(`/${stackPath}/`, '')] as const)),
    } as const;
  });
  // Each stack depends on the asset manifest of its assets.
  const manifests = new Set(artifacts.flatMap(artifact => artifact.dependencies.filter(AssetManifestArtifact.isAssetManifestArtifact)));
  const assets = new Map<string, string>();
  for (const manifest of manifests) {
    for (const file of Object.values(manifest.contents.files ?? {}).filter(candidate => candidate.source.path)) {
      const source = path.join(path.dirname(manifest.file), file.source.path!);
      Object.values(file.destinations).forEach(({ objectKey }) => assets.set(objectKey, source));
    }
  }
  const isA = (kind: 'isFile' | 'isDirectory', source?: string) => source !== undefined && fs.existsSync(source) && fs.statSync(source)[kind]();
  return {
    directory: path.resolve(directory),
    stacks,
    // Single files (not directories) by S3 object key: what cdk deploy uploads as is.
    assetFiles: new Map([...assets].filter(([, source]) => isA('isFile', source))),
    /** Where the file asset published under an S3 object key (e.g. `<hash>.zip`) is, unpacked. */
    assetDirectory: (objectKey: string) => (isA('isDirectory', assets.get(objectKey)) ? assets.get(objectKey) : undefined),
  };
}

/** Stacks selected by stack name or construct path (all when none are named), in deployment order. */
export function selectStacks(assembly: Assembly, names: readonly string[] | undefined): AssemblyStack[] {
  if (!names || names.length === 0) return [...assembly.stacks];
  const unknown = names.filter(name => !assembly.stacks.some(stack => stack.stackName === name || stack.path === name));
  if (unknown.length > 0) {
    throw new Error(`No stack named ${unknown.join(', ')} in ${assembly.directory}; it has ${assembly.stacks.map(s => s.stackName).join(', ') || 'no stacks'}`);
  }
  return assembly.stacks.filter(stack => names.includes(stack.stackName) || names.includes(stack.path));
}
