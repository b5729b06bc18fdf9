/**
 * A CloudFormation template as the runner reads it: its resources and the order
 * CloudFormation must handle them in (DependsOn, Ref, Fn::GetAtt, Fn::Sub), and work
 * over that order the way CloudFormation works through a stack: every item as soon
 * as all of its prerequisites are done, independent items at the same time. After
 * the first failure nothing new starts; what is running finishes, and its outcome
 * counts.
 */
import { AwsError } from './limits';

export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, TemplateOutput>;
  readonly Parameters?: Record<string, TemplateParameter>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly [section: string]: unknown;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
}

export interface TemplateOutput {
  readonly Value: unknown;
  readonly Description?: string;
  readonly Condition?: string;
  readonly Export?: { readonly Name: unknown };
}

export interface TemplateParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

/** Custom resources: the only ones whose lifecycle runs code (a provider's handler). */
export function isCustomResource(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}

/**
 * Logical ids and parameter names that a value refers to: Ref targets, Fn::GetAtt
 * resources, and the variables of Fn::Sub strings (pseudo parameters such as
 * AWS::Region, literals written `${!Literal}` and Fn::Sub's own variables excluded).
 */
export function referencedNames(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedNames(item, found);
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, argument] = entries[0];
      if (key === 'Ref' && typeof argument === 'string') {
        if (!argument.includes('::')) found.add(argument);
        return found;
      }
      if (key === 'Fn::GetAtt') {
        const target = typeof argument === 'string' ? argument.split('.')[0] : Array.isArray(argument) ? argument[0] : undefined;
        if (typeof target === 'string') found.add(target);
        return found;
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        const own = new Set(Object.keys(variables ?? {}));
        for (const name of subVariables(String(text))) {
          const target = name.split('.')[0];
          if (!own.has(target) && !target.includes('::')) found.add(target);
        }
        referencedNames(variables, found);
        return found;
      }
      if (key === 'Fn::If' && Array.isArray(argument)) {
        // The first element names a condition, not a resource.
        referencedNames(argument.slice(1), found);
        return found;
      }
    }
    for (const [, item] of entries) referencedNames(item, found);
  }
  return found;
}

/** The `${...}` variables of an Fn::Sub string, without the `${!literal}` escapes. */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map(match => match[1].trim());
}

/**
 * Each resource's dependencies among `resources`. A reference to a name that is
 * neither a resource nor a parameter is refused as CloudFormation refuses it.
 */
export function dependencyGraph(template: Template, resources: Record<string, TemplateResource>): Map<string, Set<string>> {
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const allResources = new Set(Object.keys(template.Resources ?? {}));
  const graph = new Map<string, Set<string>>();
  const unresolved = new Set<string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    const dependsOn = typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn ?? [];
    const names = new Set([...dependsOn, ...referencedNames(resource.Properties ?? {})]);
    const dependencies = new Set<string>();
    for (const name of names) {
      if (resources[name]) dependencies.add(name);
      else if (!parameters.has(name) && !allResources.has(name)) unresolved.add(name);
    }
    graph.set(logicalId, dependencies);
  }
  if (unresolved.size > 0) {
    throw new AwsError('ValidationError',
      `Template format error: Unresolved resource dependencies [${[...unresolved].sort().join(', ')}] in the Resources block of the template`);
  }
  return graph;
}

/**
 * The resources in an order where each comes after its dependencies; ties keep
 * the template's order. A cycle is refused as CloudFormation refuses it.
 */
export function dependencyOrder(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const remaining = [...graph.keys()];
  while (remaining.length > 0) {
    const index = remaining.findIndex(id => [...graph.get(id)!].every(dependency => placed.has(dependency)));
    if (index < 0) {
      throw new AwsError('ValidationError', `Circular dependency between resources: [${[...remaining].sort().join(', ')}]`);
    }
    const [next] = remaining.splice(index, 1);
    order.push(next);
    placed.add(next);
  }
  return order;
}

/**
 * @param items in the order to start them when several are ready
 * @param prerequisites of an item; those not among `items` count as done
 * @returns the failures, in the order they happened
 */
export async function runInDependencyOrder(
  items: readonly string[],
  prerequisites: (item: string) => Iterable<string>,
  work: (item: string) => Promise<void>,
): Promise<unknown[]> {
  const pending = new Set(items);
  const done = new Set<string>();
  const errors: unknown[] = [];
  const running = new Set<Promise<void>>();

  const isReady = (item: string) => [...prerequisites(item)].every(p => done.has(p) || !items.includes(p));
  for (;;) {
    if (errors.length === 0) {
      for (const item of items.filter(i => pending.has(i) && isReady(i))) {
        pending.delete(item);
        const task: Promise<void> = work(item)
          .then(() => { done.add(item); }, (error: unknown) => { errors.push(error); })
          .finally(() => running.delete(task));
        running.add(task);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  return errors;
}
