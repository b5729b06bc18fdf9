/**
 * Resolution of CloudFormation's intrinsic functions and condition functions,
 * given what the stack knows so far (the scope). Anything the runner cannot
 * evaluate fails with a message naming the function, never silently.
 */
import { subVariables } from './template';

/** `Ref: AWS::NoValue`: the property or list element is left out. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** What intrinsic functions read from the stack being deployed. */
export interface ResolveScope {
  readonly mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly region: string;
  /** Ref of a resource, parameter or pseudo parameter (AWS::NoValue excluded). */
  ref(name: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
  importValue(exportName: string): unknown;
}

export class IntrinsicError extends Error {
  public override readonly name = 'IntrinsicError';
}

/** Resolves every intrinsic function in `value`. */
export function resolve(value: unknown, scope: ResolveScope): unknown {
  if (Array.isArray(value)) {
    return value.map(item => resolve(item, scope)).filter(item => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && isFunctionName(entries[0][0])) {
    return applyFunction(entries[0][0], entries[0][1], scope);
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const result = resolve(item, scope);
    if (result !== NO_VALUE) resolved[key] = result;
  }
  return resolved;
}

/** Resolves a condition expression (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition) to a boolean. */
export function evaluateCondition(expression: unknown, scope: ResolveScope): boolean {
  const result = resolve(expression, scope);
  if (typeof result !== 'boolean') {
    throw new IntrinsicError(`Template error: a condition must be a condition function, got ${JSON.stringify(expression)}`);
  }
  return result;
}

function isFunctionName(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

function applyFunction(name: string, argument: unknown, scope: ResolveScope): unknown {
  switch (name) {
    case 'Ref': {
      if (typeof argument !== 'string') throw new IntrinsicError('Template error: Ref must name a resource or parameter');
      return argument === 'AWS::NoValue' ? NO_VALUE : scope.ref(argument);
    }
    case 'Fn::GetAtt': {
      const [logicalId, ...path] = typeof argument === 'string' ? argument.split('.') : (resolve(argument, scope) as string[]);
      return scope.getAtt(String(logicalId), path.join('.'));
    }
    case 'Fn::Join': {
      const [separator, items] = argumentList(name, argument, 2);
      return asList(name, resolve(items, scope)).map(item => asString(name, item)).join(asString(name, separator));
    }
    case 'Fn::Select': {
      const [index, items] = argumentList(name, argument, 2);
      const list = asList(name, resolve(items, scope));
      const position = Number(resolve(index, scope));
      if (!Number.isInteger(position) || position < 0 || position >= list.length) {
        throw new IntrinsicError(`Template error: Fn::Select cannot select nonexistent value at index ${position}`);
      }
      return list[position];
    }
    case 'Fn::Split': {
      const [separator, text] = argumentList(name, argument, 2);
      return asString(name, resolve(text, scope)).split(asString(name, separator));
    }
    case 'Fn::Sub':
      return substitute(argument, scope);
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = argumentList(name, argument, 3);
      return resolve(scope.condition(asString(name, condition)) ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Equals': {
      const [left, right] = argumentList(name, argument, 2);
      return JSON.stringify(resolve(left, scope)) === JSON.stringify(resolve(right, scope));
    }
    case 'Fn::And':
      return asList(name, argument).every(item => evaluateCondition(item, scope));
    case 'Fn::Or':
      return asList(name, argument).some(item => evaluateCondition(item, scope));
    case 'Fn::Not':
      return !evaluateCondition(argumentList(name, argument, 1)[0], scope);
    case 'Condition':
      return scope.condition(asString(name, argument));
    case 'Fn::Base64':
      return Buffer.from(asString(name, resolve(argument, scope))).toString('base64');
    case 'Fn::ImportValue':
      return scope.importValue(asString(name, resolve(argument, scope)));
    case 'Fn::FindInMap': {
      const [map, topKey, secondKey] = argumentList(name, argument, 3).map(item => asString(name, resolve(item, scope)));
      const found = scope.mappings?.[map]?.[topKey]?.[secondKey];
      if (found === undefined) throw new IntrinsicError(`Template error: Unable to get mapping for ${map}::${topKey}::${secondKey}`);
      return found;
    }
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map(zone => `${scope.region}${zone}`);
    default:
      throw new IntrinsicError(`${name} is not supported by the local runner`);
  }
}

/** Fn::Sub, in both forms: a string, or [string, { variable: value }]. */
function substitute(argument: unknown, scope: ResolveScope): string {
  const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
  const own = resolve(variables ?? {}, scope) as Record<string, unknown>;
  const template = asString('Fn::Sub', text);
  const values = new Map<string, string>();
  for (const variable of subVariables(template)) {
    if (variable in own) {
      values.set(variable, asString('Fn::Sub', own[variable]));
      continue;
    }
    const [target, ...attribute] = variable.split('.');
    const value = attribute.length > 0 && !target.includes('::') ? scope.getAtt(target, attribute.join('.')) : scope.ref(variable);
    values.set(variable, asString('Fn::Sub', value));
  }
  return template
    .replace(/\$\{([^!}][^}]*)\}/g, (_match, variable: string) => values.get(variable.trim())!)
    .replace(/\$\{!/g, '${');
}

function argumentList(name: string, argument: unknown, length: number): unknown[] {
  if (!Array.isArray(argument) || argument.length !== length) {
    throw new IntrinsicError(`Template error: ${name} takes a list of ${length} arguments, got ${JSON.stringify(argument)}`);
  }
  return argument;
}

function asList(name: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new IntrinsicError(`Template error: ${name} needs a list, got ${JSON.stringify(value)}`);
  return value;
}

function asString(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new IntrinsicError(`Template error: ${name} needs a string, got ${JSON.stringify(value)}`);
}
