/**
 * Constraint checks derived from the model: required members, string length,
 * pattern and enum, integer ranges, list length and list elements.
 *
 * Messages follow the format AWS services generate from the same kind of model
 * ("1 validation error detected: Value '0' at 'maxResults' failed to satisfy
 * constraint: Member must have value greater than or equal to 1"). Values of
 * shapes marked `sensitive` are left out of the message, as AWS does, so a
 * client that logs error messages cannot leak them.
 */
import { MemberRef, Shape, shapeNamed } from './model';

export interface Violation {
  /** Member path, e.g. `maxResults` or `permissionGroup.name`. */
  readonly path: string;
  readonly value: unknown;
  readonly sensitive: boolean;
  /** e.g. `Member must not be null`. */
  readonly constraint: string;
}

/** Checks a structure value against a structure shape; an empty list means valid. */
export function validateStructure(shape: Shape, value: Record<string, unknown>, pathPrefix = ''): Violation[] {
  const violations: Violation[] = [];
  const required = new Set(shape.required ?? []);
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const path = pathPrefix ? `${pathPrefix}.${name}` : name;
    const memberValue = value[name];
    if (memberValue === undefined || memberValue === null) {
      if (required.has(name)) {
        violations.push({ path, value: null, sensitive: false, constraint: 'Member must not be null' });
      }
      continue;
    }
    violations.push(...validateMember(ref, memberValue, path));
  }
  return violations;
}

/** Checks one value against the shape a member points to. */
export function validateMember(ref: MemberRef, value: unknown, path: string): Violation[] {
  const shape = shapeNamed(ref.shape);
  if (shape.type === 'structure') return validateStructure(shape, value as Record<string, unknown>, path);
  const sensitive = shape.sensitive === true || (shape.member !== undefined && shapeNamed(shape.member.shape).sensitive === true);
  return constraintsBrokenBy(shape, value).map((constraint) => ({ path, value, sensitive, constraint }));
}

/** Constraints of a scalar or list shape that a value breaks (types were checked when parsing). */
function constraintsBrokenBy(shape: Shape, value: unknown): string[] {
  switch (shape.type) {
    case 'string':
      return stringConstraintsBrokenBy(shape, value as string);
    case 'integer':
    case 'long':
      return rangeConstraintsBrokenBy(shape, value as number);
    case 'list':
      return listConstraintsBrokenBy(shape, value as unknown[]);
    default:
      // Inputs of this model hold no lists of structures, maps or booleans with constraints.
      return [];
  }
}

function stringConstraintsBrokenBy(shape: Shape, value: string): string[] {
  const broken: string[] = [];
  if (shape.min !== undefined && value.length < shape.min) {
    broken.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && value.length > shape.max) {
    broken.push(`Member must have length less than or equal to ${shape.max}`);
  }
  if (shape.pattern !== undefined && !fullMatch(shape.pattern).test(value)) {
    broken.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  }
  if (shape.enum !== undefined && !shape.enum.includes(value)) {
    broken.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  }
  return broken;
}

function rangeConstraintsBrokenBy(shape: Shape, value: number): string[] {
  const broken: string[] = [];
  if (shape.min !== undefined && value < shape.min) {
    broken.push(`Member must have value greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && value > shape.max) {
    broken.push(`Member must have value less than or equal to ${shape.max}`);
  }
  return broken;
}

function listConstraintsBrokenBy(shape: Shape, value: unknown[]): string[] {
  const broken: string[] = [];
  if (shape.min !== undefined && value.length < shape.min) {
    broken.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && value.length > shape.max) {
    broken.push(`Member must have length less than or equal to ${shape.max}`);
  }
  if (shape.member) {
    // AWS reports element failures once, on the list, as a nested constraint.
    const elementShape = shapeNamed(shape.member.shape);
    const elementFailures = new Set<string>();
    for (const element of value) {
      for (const constraint of constraintsBrokenBy(elementShape, element)) {
        elementFailures.add(constraint);
      }
    }
    if (elementFailures.size > 0) {
      broken.push(`Member must satisfy constraint: [${[...elementFailures].join(', ')}]`);
    }
  }
  return broken;
}

const compiledPatterns = new Map<string, RegExp>();

/** Model patterns are Java regular expressions applied with `matches()`: the whole value must match. */
function fullMatch(pattern: string): RegExp {
  let regex = compiledPatterns.get(pattern);
  if (!regex) {
    regex = new RegExp(`^(?:${pattern})$`);
    compiledPatterns.set(pattern, regex);
  }
  return regex;
}

/** The message AWS sends with a ValidationException for constraint failures. */
export function describeViolations(violations: readonly Violation[]): string {
  const count = violations.length;
  const heading = `${count} validation error${count === 1 ? '' : 's'} detected: `;
  return heading + violations.map(describeViolation).join('; ');
}

function describeViolation(violation: Violation): string {
  const value = violation.sensitive ? '' : ` ${renderValue(violation.value)}`;
  return `Value${value} at '${violation.path}' failed to satisfy constraint: ${violation.constraint}`;
}

function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `'[${value.map(String).join(', ')}]'`;
  if (typeof value === 'object') return `'${JSON.stringify(value)}'`;
  return `'${String(value)}'`;
}
