/**
 * What the constructs synthesize for a membership declaration: the custom
 * resource with its properties, and the handler functions'
 * settings as CloudFormation would deploy them. Benchmarks drive the handler
 * with exactly these, not with hand-written events.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { ENVIRONMENT_ID, GROUP_ID, HANDLER_ROLE_ARN } from './finspace-seed';
import { HANDLER_ENVIRONMENT, preexistingMembersPath } from '../../contract/handler-settings';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE } from '../../contract/resource-types';
import { parseUserIdsObjectContent } from '../../contract/user-ids-object';
import { FinSpaceDataAccess, GroupMembership, PermissionGroup } from '../../lib';

/** The stack the membership scenarios synthesize and deploy. */
export const BENCH_STACK_NAME = 'BenchMembership';

export interface MembershipDeclaration {
  readonly userIds: readonly string[];
  /** FinSpaceDataAccess.pollInterval; default the construct's. */
  readonly pollInterval?: Duration;
  /** FinSpaceDataAccess.maxConcurrency; default the construct's. */
  readonly maxConcurrency?: number;
  /**
   * More groups of the same stack, each with a GroupMembership of its own
   * (permission group id to user ids); CloudFormation deploys them at once.
   * Default: none.
   */
  readonly otherGroups?: Readonly<Record<string, readonly string[]>>;
}

export interface SynthesizedResource {
  readonly logicalId: string;
  readonly type: string;
  /** As CloudFormation hands them to the handler, ServiceToken left out. */
  readonly properties: Record<string, unknown>;
}

export interface SynthesizedFunction {
  /** Lambda environment variables, tokens resolved to what CloudFormation would put there. */
  readonly environment: Record<string, string>;
  readonly timeoutMs: number;
}

export interface SynthesizedMembership {
  readonly resources: SynthesizedResource[];
  readonly onEvent: SynthesizedFunction;
  readonly isComplete: SynthesizedFunction;
  /** The Provider framework's waiter: the wait between two isComplete calls, and its overall limit. */
  readonly pollIntervalMs: number;
  readonly totalTimeoutMs: number;
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** Synthesizes an app with one GroupMembership of an existing group (and of each other group), as a user would declare it. */
export function synthesizeMembership(declaration: MembershipDeclaration): SynthesizedMembership {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, BENCH_STACK_NAME);
    const access = new FinSpaceDataAccess(stack, 'FinSpace', {
      environmentId: ENVIRONMENT_ID,
      pollInterval: declaration.pollInterval,
      maxConcurrency: declaration.maxConcurrency,
    });
    const group = PermissionGroup.fromPermissionGroupId(stack, 'Group', access, GROUP_ID);
    new GroupMembership(stack, 'Members', { group, userIds: [...declaration.userIds] });
    for (const [groupId, userIds] of Object.entries(declaration.otherGroups ?? {})) {
      const other = PermissionGroup.fromPermissionGroupId(stack, `Group-${groupId}`, access, groupId);
      new GroupMembership(stack, `Members-${groupId}`, { group: other, userIds: [...userIds] });
    }
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, TemplateResource> };
    return readMembership(template.Resources, assembly.directory);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function readMembership(resources: Record<string, TemplateResource>, assemblyDirectory: string): SynthesizedMembership {
  const entries = Object.entries(resources);
  const memberships = entries
    .filter(([, resource]) => resource.Type === GROUP_MEMBERSHIP_RESOURCE_TYPE)
    .map(([logicalId, resource]) => {
      const { ServiceToken: _token, ...properties } = resource.Properties ?? {};
      return { logicalId, type: resource.Type, properties: withUserIdsFromAsset(properties, assemblyDirectory) };
    });
  const handlerFunction = (handler: string): SynthesizedFunction => {
    const found = entries.find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === handler);
    if (!found) throw new Error(`the synthesized stack has no function with handler ${handler}`);
    const properties = found[1].Properties!;
    return { environment: resolveEnvironment(properties.Environment?.Variables ?? {}), timeoutMs: properties.Timeout * 1000 };
  };
  const waiter = entries.find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (!waiter) throw new Error('the synthesized stack has no waiter state machine');
  const definition = flattenJoin(waiter[1].Properties!.DefinitionString);
  const retry = /"IntervalSeconds":(\d+),"MaxAttempts":(\d+)/.exec(definition);
  if (!retry) throw new Error('cannot read the waiter\'s retry policy');
  const pollIntervalMs = Number(retry[1]) * 1000;
  return {
    resources: memberships,
    onEvent: handlerFunction('index.onEvent'),
    isComplete: handlerFunction('index.isComplete'),
    pollIntervalMs,
    totalTimeoutMs: pollIntervalMs * Number(retry[2]),
  };
}

/**
 * The properties as the handler sees them once it has read the user-id object (beyond
 * MAX_INLINE_USER_IDS the ids are in an asset, lambda/user-ids-object.ts): the ids
 * listed in UserIds, from the object in the cloud assembly. The benchmarks drive the
 * lifecycle; the one GET per container that the handler makes in Lambda (and through
 * the local runner, bench/scenarios/big-group.ts) is left out.
 */
function withUserIdsFromAsset(properties: Record<string, unknown>, assemblyDirectory: string): Record<string, unknown> {
  const { UserIdsBucket: _bucket, UserIdsKey: key, UserIdsSha256: _digest, UserCount: _count, ...rest } = properties;
  if (typeof key !== 'string') return properties;
  const content = fs.readFileSync(path.join(assemblyDirectory, `asset.${key}`), 'utf8');
  return { ...rest, UserIds: [...((rest.UserIds as string[] | undefined) ?? []), ...parseUserIdsObjectContent(content)] };
}

/**
 * The tokens among the handler's variables: its own role's ARN, and the stack's
 * Parameter Store path for the rollback record (the stack's name in it). The bench's
 * Lambda host serves Parameter Store and CloudFormation's DescribeStacks as the local
 * runner does, so the handler keeps its record and makes every call that goes with it.
 */
function resolveEnvironment(variables: Record<string, unknown>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') resolved[name] = value;
    else if (name === 'HANDLER_ROLE_ARN') resolved[name] = HANDLER_ROLE_ARN;
    else if (name === HANDLER_ENVIRONMENT.preexistingMembersPath) resolved[name] = preexistingMembersPath(BENCH_STACK_NAME);
    else throw new Error(`cannot resolve the handler's environment variable ${name}: ${JSON.stringify(value)}`);
  }
  return resolved;
}

/** The literal text of an Fn::Join, tokens left as empty strings (the retry policy holds none). */
function flattenJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return '';
  return join[1].map(part => (typeof part === 'string' ? part : '')).join(join[0]);
}
