/**
 * A CloudFormation template as the runner reads it: its resources, the order
 * CloudFormation must handle them in (DependsOn, Ref, Fn::GetAtt, Fn::Sub), and work
 * over that order as CloudFormation works through a stack.
 */
import { SUB_VARIABLE } from './intrinsics';
import { AwsError } from './limits';

export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string; Condition?: string; Export?: { Name: unknown } }>;
  readonly Parameters?: Record<string, { readonly Type: string; readonly Default?: unknown }>;
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
  if (value === null || typeof value !== 'object') return found;
  const [key, argument] = Object.entries(value)[0] ?? [];
  const single = !Array.isArray(value) && Object.keys(value).length === 1;
  if (single && key === 'Ref' && typeof argument === 'string') {
    if (!argument.includes('::')) found.add(argument);
  } else if (single && key === 'Fn::GetAtt') {
    const target = typeof argument === 'string' ? argument.split('.')[0] : Array.isArray(argument) ? argument[0] : undefined;
    if (typeof target === 'string') found.add(target);
  } else if (single && key === 'Fn::Sub') {
    const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
    const targets = [...String(text).matchAll(SUB_VARIABLE)].map(match => match[1].trim().split('.')[0]);
    targets.filter(target => !Object.keys(variables ?? {}).includes(target) && !target.includes('::')).forEach(target => found.add(target));
    referencedNames(variables, found);
  } else {
    Object.values(value).forEach(item => referencedNames(item, found));
  }
  return found;
}

/**
 * Each resource's dependencies among `resources`. A reference to a name that is
 * neither a resource nor a parameter is refused as CloudFormation refuses it.
 */
export function dependencyGraph(template: Template, resources: Record<string, TemplateResource>): Map<string, Set<string>> {
  const known = new Set([...Object.keys(template.Parameters ?? {}), ...Object.keys(template.Resources ?? {})]);
  const references = Object.entries(resources)
    .map(([logicalId, resource]) => [logicalId, [resource.DependsOn ?? [], ...referencedNames(resource.Properties ?? {})].flat()] as const);
  const unresolved = new Set(references.flatMap(([, names]) => names).filter(name => !known.has(name)));
  if (unresolved.size > 0) {
    throw new AwsError('ValidationError',
      `Template format error: Unresolved resource dependencies [${[...unresolved].sort().join(', ')}] in the Resources block of the template`);
  }
  return new Map(references.map(([logicalId, names]) => [logicalId, new Set(names.filter(name => resources[name]))]));
}

/**
 * The resources in an order where each comes after its dependencies; ties keep
 * the template's order. A cycle is refused as CloudFormation refuses it.
 */
export function dependencyOrder(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const placed = new Set<string>();
  const remaining = [...graph.keys()];
  while (remaining.length > 0) {
    const index = remaining.findIndex(id => [...graph.get(id)!].every(dependency => placed.has(dependency)));
    if (index < 0) throw new AwsError('ValidationError', `Circular dependency between resources: [${[...remaining].sort().join(', ')}]`);
    placed.add(remaining.splice(index, 1)[0]);
  }
  return [...placed];
}

/**
 * Works on every item as soon as all of its prerequisites are done, independent
 * items at the same time. After the first failure nothing new starts; what is
 * running finishes, and its outcome counts.
 * @param items in the order to start them when several are ready
 * @param prerequisites of an item; those not among `items` count as done
 * @returns the failures, in the order they happened
 */
export async function runInDependencyOrder<T>(
  items: readonly T[], prerequisites: (item: T) => Iterable<T>, work: (item: T) => Promise<void>,
): Promise<unknown[]> {
  const pending = new Set(items);
  const done = new Set<T>();
  const errors: unknown[] = [];
  const running = new Set<Promise<void>>();
  const isReady = (item: T) => [...prerequisites(item)].every(p => done.has(p) || !items.includes(p));
  for (;;) {
    for (const item of errors.length === 0 ? items.filter(i => pending.has(i) && isReady(i)) : []) {
      pending.delete(item);
      const task: Promise<void> = work(item)
        .then(() => { done.add(item); }, (error: unknown) => { errors.push(error); })
        .finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size === 0) return errors;
    await Promise.race(running);
  }
}
