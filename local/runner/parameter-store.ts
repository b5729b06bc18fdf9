/**
 * Systems Manager Parameter Store as the handler uses it (JSON 1.1), held in memory by the
 * provider endpoint for one run, with the standard tier's limits on what the handler sends.
 */
import { AwsError } from './limits';

const MAX_VALUE_BYTES = 4096;
const MAX_NAME_CHARS = 1011;
const MAX_PAGE = 10;
const NAME_PATTERN = /^\/[a-zA-Z0-9_.\-/]+$/;

export class LocalParameterStore {
  private readonly parameters = new Map<string, string>();

  /** Answers one call by its X-Amz-Target action; throws AwsError as SSM would answer. */
  serve(action: string, input: Record<string, unknown>): object {
    if (action === 'PutParameter') return this.put(input);
    if (action === 'GetParametersByPath') return this.byPath(input);
    if (action === 'DeleteParameters') return this.delete(input);
    throw new AwsError('InvalidAction', `the local runner does not serve AmazonSSM.${action}`);
  }

  /** Every parameter held now, by name (for tests). */
  snapshot(): Record<string, string> {
    return Object.fromEntries([...this.parameters].sort(([a], [b]) => a.localeCompare(b)));
  }

  private put(input: Record<string, unknown>): object {
    const name = checkName(input.Name);
    const value = input.Value;
    if (typeof value !== 'string' || value.length === 0) throw new AwsError('ValidationException', 'Value must be a non-empty string');
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
      throw new AwsError('ValidationException', `Standard tier parameters support a maximum parameter value of ${MAX_VALUE_BYTES} characters.`);
    }
    if ((input.Type ?? 'String') !== 'String' || (input.Tier ?? 'Standard') !== 'Standard') {
      throw new AwsError('ValidationException', 'the local runner holds standard String parameters only');
    }
    if (this.parameters.has(name) && input.Overwrite !== true) throw new AwsError('ParameterAlreadyExists', 'The parameter already exists.');
    this.parameters.set(name, value);
    return { Version: 1, Tier: 'Standard' };
  }

  private byPath(input: Record<string, unknown>): object {
    const path = checkName(input.Path).replace(/\/$/, '');
    const max = input.MaxResults ?? MAX_PAGE;
    if (typeof max !== 'number' || max < 1 || max > MAX_PAGE) throw new AwsError('ValidationException', `MaxResults must be between 1 and ${MAX_PAGE}`);
    const under = [...this.parameters.keys()].sort()
      .filter(name => name.startsWith(`${path}/`) && (input.Recursive === true || !name.slice(path.length + 1).includes('/')));
    const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
    const page = under.slice(start, start + max);
    return {
      Parameters: page.map(name => ({ Name: name, Type: 'String', Value: this.parameters.get(name), Version: 1 })),
      ...start + max < under.length ? { NextToken: String(start + max) } : {},
    };
  }

  private delete(input: Record<string, unknown>): object {
    const names = input.Names;
    if (!Array.isArray(names) || names.length < 1 || names.length > MAX_PAGE) {
      throw new AwsError('ValidationException', `Names must hold 1 to ${MAX_PAGE} names`);
    }
    const deleted = names.map(checkName).filter(name => this.parameters.delete(name));
    return { DeletedParameters: deleted, InvalidParameters: names.filter(name => !deleted.includes(name)) };
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length > MAX_NAME_CHARS || !NAME_PATTERN.test(name)) {
    throw new AwsError('ValidationException', `invalid parameter name or path: ${String(name)}`);
  }
  return name;
}
