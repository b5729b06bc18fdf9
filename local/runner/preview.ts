/**
 * The outputs of a stack that are known before it is deployed: those that name
 * only AWS resources, whose stand-ins have deterministic ids (aws-resources.ts).
 * This is how a FinSpace user can be registered for the handler role's ARN before
 * the first deployment, as the README's one-time setup asks.
 */
import type { AssemblyStack } from './assembly';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, fallbackAttribute, provisionAwsResource, pseudoParameter, stackEnvironment, type ProvisionedResource } from './aws-resources';
import { resolve, type ResolveScope } from './intrinsics';
import { dependencyGraph, dependencyOrder, isCustomResource } from './template';

/** Output name to value, for every output that does not depend on a custom resource (or another stack). */
export function predictOutputs(stack: AssemblyStack): Record<string, unknown> {
  const template = stack.template;
  const env = stackEnvironment(stack.stackName, stack.account ?? DEFAULT_ACCOUNT, stack.region ?? DEFAULT_REGION, 'unknown-stack-id');
  const resources = template.Resources ?? {};
  const provisioned = new Map<string, ProvisionedResource>();
  const scope: ResolveScope = {
    region: env.region,
    mappings: template.Mappings,
    ref: name => pseudoParameter(name, env) ?? template.Parameters?.[name]?.Default ?? known(name).physicalId,
    getAtt: (logicalId, attribute) => known(logicalId).attributes[attribute] ?? fallbackAttribute(known(logicalId), attribute),
    condition: () => { throw new Error('conditions are not previewed'); },
    importValue: () => { throw new Error('imports are not previewed'); },
  };
  function known(logicalId: string): ProvisionedResource {
    const resource = provisioned.get(logicalId);
    if (!resource) throw new Error(`${logicalId} is not known before deployment`);
    return resource;
  }

  for (const logicalId of dependencyOrder(dependencyGraph(template, resources))) {
    const resource = resources[logicalId];
    if (isCustomResource(resource.Type) || resource.Condition !== undefined) continue;
    try {
      const props = resolve(resource.Properties ?? {}, scope) as Record<string, unknown>;
      provisioned.set(logicalId, provisionAwsResource(logicalId, resource.Type, props, env));
    } catch {
      // Depends on something unknown before deployment.
    }
  }
  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined) continue;
    try {
      outputs[name] = resolve(output.Value, scope);
    } catch {
      // As above.
    }
  }
  return outputs;
}
