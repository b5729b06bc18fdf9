/**
 * Constraint checks derived from the model (required, length, range, pattern, enum, list
 * elements), with messages in the format AWS services generate from such models. Values of
 * `sensitive` shapes are left out, as AWS does, so a client logging messages cannot leak them.
 */
import { MemberRef, Shape, shapeNamed } from './model';

/** `path` e.g. `permissionGroup.name`, `constraint` e.g. `Member must not be null`. */
export interface Violation {
  readonly path: string;
  readonly value: unknown;
  readonly sensitive: boolean;
  readonly constraint: string;
}

/** Checks a structure value against a structure shape; an empty list means valid. */
export function validateStructure(shape: Shape, value: Record<string, unknown>, pathPrefix = ''): Violation[] {
  const violations: Violation[] = [];
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const path = pathPrefix ? `${pathPrefix}.${name}` : name;
    const memberValue = value[name];
    if (memberValue !== undefined && memberValue !== null) {
      violations.push(...validateMember(ref, memberValue, path));
    } else if (shape.required?.includes(name)) {
      violations.push({ path, value: null, sensitive: false, constraint: 'Member must not be null' });
    }
  }
  return violations;
}

/** Checks one value against the shape a member points to (types were checked when parsing). */
export function validateMember(ref: MemberRef, value: unknown, path: string): Violation[] {
  const shape = shapeNamed(ref.shape);
  if (shape.type === 'structure') return validateStructure(shape, value as Record<string, unknown>, path);
  const sensitive = shape.sensitive === true || (shape.member !== undefined && shapeNamed(shape.member.shape).sensitive === true);
  return constraintsBrokenBy(shape, value).map((constraint) => ({ path, value, sensitive, constraint }));
}

function constraintsBrokenBy(shape: Shape, value: unknown): string[] {
  const broken: string[] = [];
  const { min, max, pattern } = shape;
  // Strings and lists are bounded in length, numbers in value.
  const [size, bound] = typeof value === 'number' ? [value, 'value'] : [(value as string | unknown[]).length, 'length'];
  if (min !== undefined && size < min) broken.push(`Member must have ${bound} greater than or equal to ${min}`);
  if (max !== undefined && size > max) broken.push(`Member must have ${bound} less than or equal to ${max}`);
  if (pattern !== undefined && !fullMatch(pattern).test(value as string)) {
    broken.push(`Member must satisfy regular expression pattern: ${pattern}`);
  }
  if (shape.enum !== undefined && !shape.enum.includes(value as string)) {
    broken.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  }
  if (shape.type === 'list' && shape.member) {
    // AWS reports element failures once, on the list, as a nested constraint.
    const elementShape = shapeNamed(shape.member.shape);
    const elementFailures = new Set((value as unknown[]).flatMap((element) => constraintsBrokenBy(elementShape, element)));
    if (elementFailures.size > 0) broken.push(`Member must satisfy constraint: [${[...elementFailures].join(', ')}]`);
  }
  return broken;
}

const compiledPatterns = new Map<string, RegExp>();

/** Model patterns are Java regular expressions applied with `matches()`: the whole value must match. */
function fullMatch(pattern: string): RegExp {
  if (!compiledPatterns.has(pattern)) compiledPatterns.set(pattern, new RegExp(`^(?:${pattern})$`));
  return compiledPatterns.get(pattern)!;
}

/** The message AWS sends with a ValidationException for constraint failures. */
export function describeViolations(violations: readonly Violation[]): string {
  const count = violations.length;
  return `${count} validation error${count === 1 ? '' : 's'} detected: ` + violations.map(describeViolation).join('; ');
}

function describeViolation({ sensitive, value, path, constraint }: Violation): string {
  return `Value${sensitive ? '' : ` ${renderValue(value)}`} at '${path}' failed to satisfy constraint: ${constraint}`;
}

function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `'[${value.map(String).join(', ')}]'`;
  if (typeof value === 'object') return `'${JSON.stringify(value)}'`;
  return `'${String(value)}'`;
}
