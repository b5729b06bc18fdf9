/**
 * Read access to the official model, so tests state their expectations in the
 * model's terms instead of restating them by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface MemberRef {
  readonly shape: string;
  readonly location?: string;
  readonly locationName?: string;
  readonly idempotencyToken?: boolean;
}

export interface Shape {
  readonly type: string;
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly required?: readonly string[];
  readonly member?: MemberRef;
  readonly enum?: readonly string[];
  readonly sensitive?: boolean;
  readonly error?: { readonly httpStatusCode: number };
}

export interface OperationModel {
  readonly http: { readonly method: string; readonly requestUri: string };
  readonly input: { readonly shape: string };
  readonly output: { readonly shape: string };
  readonly errors: readonly { readonly shape: string }[];
}

export interface ServiceModel {
  readonly metadata: { readonly signingName: string; readonly endpointPrefix: string; readonly serviceId: string };
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

export const MODEL: ServiceModel = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'model', 'finspace-data.json'), 'utf8'),
);

export function shape(name: string): Shape {
  const found = MODEL.shapes[name];
  if (!found) throw new Error(`no shape ${name} in the model`);
  return found;
}

export function inputMembers(operation: string): [string, MemberRef][] {
  return Object.entries(shape(MODEL.operations[operation].input.shape).members ?? {});
}

export function outputMembers(operation: string): [string, MemberRef][] {
  return Object.entries(shape(MODEL.operations[operation].output.shape).members ?? {});
}

/** Every error shape any of the given operations declares. */
export function declaredErrors(operation: string): string[] {
  return MODEL.operations[operation].errors.map((error) => error.shape);
}
