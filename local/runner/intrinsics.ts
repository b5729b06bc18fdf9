/**
 * Resolution of CloudFormation's intrinsic functions and condition functions,
 * given what the stack knows so far (the scope). Anything the runner cannot
 * evaluate fails with a message naming the function, never silently.
 */

/** `Ref: AWS::NoValue`: the property or list element is left out. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** A `${...}` variable of an Fn::Sub string; `${!literal}` is an escape. */
export const SUB_VARIABLE = /\$\{([^!}][^}]*)\}/g;

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

export function resolve(value: unknown, scope: ResolveScope): unknown {
  if (Array.isArray(value)) return value.map(item => resolve(item, scope)).filter(item => item !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [name, argument] = entries[0] ?? [];
  if (entries.length === 1 && (name === 'Ref' || name === 'Condition' || name.startsWith('Fn::'))) return applyFunction(name, argument, scope);
  return Object.fromEntries(entries.map(([key, item]) => [key, resolve(item, scope)]).filter(([, item]) => item !== NO_VALUE));
}

/** Resolves a condition expression (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition) to a boolean. */
export function evaluateCondition(expression: unknown, scope: ResolveScope): boolean {
  const result = resolve(expression, scope);
  if (typeof result !== 'boolean') throw new Error(`Template error: a condition must be a condition function, got ${JSON.stringify(expression)}`);
  return result;
}

function applyFunction(name: string, argument: unknown, scope: ResolveScope): unknown {
  // The checks of what the function is given name it in their errors.
  const string = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new Error(`Template error: ${name} needs a string, got ${JSON.stringify(value)}`);
  };
  const list = (value: unknown): unknown[] => {
    if (!Array.isArray(value)) throw new Error(`Template error: ${name} needs a list, got ${JSON.stringify(value)}`);
    return value;
  };
  const args = (length: number) => {
    if (!Array.isArray(argument) || argument.length !== length) {
      throw new Error(`Template error: ${name} takes a list of ${length} arguments, got ${JSON.stringify(argument)}`);
    }
    return argument;
  };
  switch (name) {
    case 'Ref':
      if (typeof argument !== 'string') throw new Error('Template error: Ref must name a resource or parameter');
      return argument === 'AWS::NoValue' ? NO_VALUE : scope.ref(argument);
    case 'Fn::GetAtt': {
      const [logicalId, ...path] = typeof argument === 'string' ? argument.split('.') : (resolve(argument, scope) as string[]);
      return scope.getAtt(String(logicalId), path.join('.'));
    }
    case 'Fn::Join': {
      const [separator, items] = args(2);
      return list(resolve(items, scope)).map(string).join(string(separator));
    }
    case 'Fn::Select': {
      const [index, items] = args(2);
      const [selected, position] = [list(resolve(items, scope)), Number(resolve(index, scope))];
      if (!Number.isInteger(position) || position < 0 || position >= selected.length) {
        throw new Error(`Template error: Fn::Select cannot select nonexistent value at index ${position}`);
      }
      return selected[position];
    }
    case 'Fn::Split': {
      const [separator, text] = args(2);
      return string(resolve(text, scope)).split(string(separator));
    }
    case 'Fn::Sub': {
      // Two forms: a string, or [string, { variable: value }].
      const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
      const own = resolve(variables ?? {}, scope) as Record<string, unknown>;
      return string(text).replace(SUB_VARIABLE, (_match, captured: string) => {
        const variable = captured.trim();
        const [target, ...attribute] = variable.split('.');
        if (variable in own) return string(own[variable]);
        return string(attribute.length > 0 && !target.includes('::') ? scope.getAtt(target, attribute.join('.')) : scope.ref(variable));
      }).replace(/\$\{!/g, '${');
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = args(3);
      return resolve(scope.condition(string(condition)) ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Equals': {
      const [left, right] = args(2);
      return JSON.stringify(resolve(left, scope)) === JSON.stringify(resolve(right, scope));
    }
    case 'Fn::And':
      return list(argument).every(item => evaluateCondition(item, scope));
    case 'Fn::Or':
      return list(argument).some(item => evaluateCondition(item, scope));
    case 'Fn::Not':
      return !evaluateCondition(args(1)[0], scope);
    case 'Condition':
      return scope.condition(string(argument));
    case 'Fn::Base64':
      return Buffer.from(string(resolve(argument, scope))).toString('base64');
    case 'Fn::ImportValue':
      return scope.importValue(string(resolve(argument, scope)));
    case 'Fn::FindInMap': {
      const [map, topKey, secondKey] = args(3).map(item => string(resolve(item, scope)));
      const found = scope.mappings?.[map]?.[topKey]?.[secondKey];
      if (found === undefined) throw new Error(`Template error: Unable to get mapping for ${map}::${topKey}::${secondKey}`);
      return found;
    }
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map(zone => `${scope.region}${zone}`);
    default:
      throw new Error(`${name} is not supported by the local runner`);
  }
}
