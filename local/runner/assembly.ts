/**
 * The parts of a cloud assembly (cdk.out) the runner deploys: its stacks in
 * dependency order and where their file assets are, read with aws-cdk-lib's own
 * cx-api (the reader the CDK CLI uses).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AssetManifestArtifact, CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import type { Template } from './template';

export interface AssemblyStack {
  readonly stackName: string;
  /** The stack's construct path (e.g. Stage/Stack), which cdk also accepts as its name. */
  readonly path: string;
  /** Undefined for environment-agnostic stacks. */
  readonly account?: string;
  readonly region?: string;
  readonly template: Template;
  /** The template file's text, measured against CloudFormation's size limit. */
  readonly templateBody: string;
  /** Names of the stacks this one depends on. */
  readonly dependencies: readonly string[];
  /** Logical id to construct path below the stack (e.g. Analysts/Resource/Default), from the manifest. */
  readonly constructPaths: Readonly<Record<string, string>>;
}

export interface Assembly {
  readonly directory: string;
  /** All stacks, nested assemblies (stages) included, each after the stacks it depends on. */
  readonly stacks: readonly AssemblyStack[];
  /** The file assets that are single files (not directories), by S3 object key: what cdk deploy uploads as is. */
  readonly assetFiles: ReadonlyMap<string, string>;
  /** Where the file asset published under an S3 object key (e.g. `<hash>.zip`) is, unpacked. */
  assetDirectory(objectKey: string): string | undefined;
}

export function readAssembly(directory: string): Assembly {
  if (!fs.existsSync(path.join(directory, 'manifest.json'))) {
    throw new Error(`${directory} is not a cloud assembly (no manifest.json): synthesize the app first, e.g. npx cdk synth`);
  }
  const assembly = new CloudAssembly(directory);
  // cx-api sorts each assembly's stacks by their dependencies, which never cross a stage (a nested assembly).
  const artifacts = assembly.stacksRecursively;
  const byArtifactId = new Map(artifacts.map(artifact => [artifact.id, artifact]));
  const stacks = artifacts.map(artifact => toStack(artifact, byArtifactId));

  const assets = new Map<string, string>();
  // Each stack depends on the asset manifest of its assets.
  const manifests = new Set(artifacts.flatMap(artifact => artifact.dependencies.filter(AssetManifestArtifact.isAssetManifestArtifact)));
  for (const manifest of manifests) {
    for (const file of Object.values(manifest.contents.files ?? {})) {
      if (!file.source.path) continue;
      const source = path.join(path.dirname(manifest.file), file.source.path);
      for (const destination of Object.values(file.destinations)) assets.set(destination.objectKey, source);
    }
  }
  const assetFiles = new Map([...assets].filter(([, source]) => fs.existsSync(source) && fs.statSync(source).isFile()));
  return {
    directory: path.resolve(directory),
    stacks,
    assetFiles,
    assetDirectory: objectKey => {
      const source = assets.get(objectKey);
      return source && fs.existsSync(source) && fs.statSync(source).isDirectory() ? source : undefined;
    },
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

function toStack(artifact: CloudFormationStackArtifact, byArtifactId: Map<string, CloudFormationStackArtifact>): AssemblyStack {
  const { account, region } = artifact.environment;
  // The display name is the construct path, followed by " (stack name)" when they differ.
  const stackPath = artifact.displayName.replace(/ \(.*\)$/, '');
  return {
    stackName: artifact.stackName,
    path: stackPath,
    account: account === 'unknown-account' ? undefined : account,
    region: region === 'unknown-region' ? undefined : region,
    template: artifact.template,
    templateBody: fs.readFileSync(artifact.templateFullPath, 'utf8'),
    dependencies: artifact.dependencies
      .map(dependency => byArtifactId.get(dependency.id)?.stackName)
      .filter((name): name is string => name !== undefined),
    constructPaths: Object.fromEntries(artifact.findMetadataByType('aws:cdk:logicalId')
      .map(entry => [String(entry.data), entry.path.replace(`/${stackPath}/`, '')])),
  };
}
