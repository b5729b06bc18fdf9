/**
 * The official model (model/finspace-data.json), typed just enough to derive routes,
 * (de)serialization, validation, error lists and record views from it instead of restating them.
 */
import modelJson from '../../model/finspace-data.json';

/** The 16 operations, as named in the model (a compile-time view of its keys). */
export type OperationName = keyof typeof modelJson.operations;

export interface MemberRef {
  readonly shape: string;
  /** Where a rest-json member travels; absent means the JSON body. */
  readonly location?: 'uri' | 'querystring' | 'header' | 'statusCode';
  readonly locationName?: string;
  readonly idempotencyToken?: boolean;
}

export interface Shape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean';
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly required?: readonly string[];
  readonly member?: MemberRef;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly sensitive?: boolean;
  readonly exception?: boolean;
  readonly error?: { readonly httpStatusCode: number };
}

interface OperationModel {
  readonly http: { readonly method: string; readonly requestUri: string };
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
  readonly errors?: readonly { readonly shape: string }[];
}

/** The model as loaded from disk; the JSON's inferred type is too wide to use directly. */
export const serviceModel = modelJson as unknown as {
  readonly metadata: { readonly signingName: string };
  readonly operations: Readonly<Record<OperationName, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
};

export const OPERATION_NAMES = Object.keys(serviceModel.operations) as OperationName[];

export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(serviceModel.operations, name);
}

export function shapeNamed(name: string): Shape {
  const shape = serviceModel.shapes[name];
  if (!shape) throw new Error(`The model has no shape named ${name}`);
  return shape;
}

const EMPTY_STRUCTURE: Shape = { type: 'structure', members: {} };

/** An operation without an input or output shape takes or gives an empty structure. */
const ioShape = (ref: { readonly shape: string } | undefined): Shape => (ref ? shapeNamed(ref.shape) : EMPTY_STRUCTURE);

export const inputShapeOf = (operation: OperationName): Shape => ioShape(serviceModel.operations[operation].input);
export const outputShapeOf = (operation: OperationName): Shape => ioShape(serviceModel.operations[operation].output);

/** Names of the input members flagged `idempotencyToken` (the clientToken, here). */
export function idempotencyMembersOf(operation: OperationName): string[] {
  const members = inputShapeOf(operation).members ?? {};
  return Object.keys(members).filter((name) => members[name].idempotencyToken === true);
}

/** Error names the model declares for an operation. */
export function declaredErrorsOf(operation: OperationName): string[] {
  return (serviceModel.operations[operation].errors ?? []).map((error) => error.shape);
}

/**
 * A record as a structure shape of the model shows it, nested ones too: only the shape's
 * members, in its order, unset ones left out (as rest-json services do), lists copied.
 */
export function viewAs<View = Record<string, unknown>>(shapeName: string, value: unknown): View {
  const { type, members = {}, member } = shapeNamed(shapeName);
  if (type === 'list') return (value as unknown[]).map((item) => viewAs(member!.shape, item)) as View;
  if (type !== 'structure') return value as View;
  const fields = Object.entries(members).map(([name, ref]) => [name, (value as Record<string, unknown>)[name], ref.shape] as const);
  return Object.fromEntries(fields.filter(([, field]) => field !== undefined).map(([name, field, shape]) => [name, viewAs(shape, field)])) as View;
}
