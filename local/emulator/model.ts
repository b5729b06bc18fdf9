/**
 * The FinSpace Data API model, typed just enough for the emulator to derive its
 * routes, (de)serialization and validation from it instead of restating them.
 *
 * The source is the trimmed official model in model/finspace-data.json.
 */
import modelJson from '../../model/finspace-data.json';

/** The 16 operations, as named in the model (a compile-time view of its keys). */
export type OperationName = keyof typeof modelJson.operations;

export type ShapeType = 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean';

export interface MemberRef {
  readonly shape: string;
  /** Where a rest-json member travels; absent means the JSON body. */
  readonly location?: 'uri' | 'querystring' | 'header' | 'statusCode';
  readonly locationName?: string;
  readonly idempotencyToken?: boolean;
}

export interface Shape {
  readonly type: ShapeType;
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

export interface OperationModel {
  readonly name: OperationName;
  readonly http: { readonly method: string; readonly requestUri: string; readonly responseCode?: number };
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
  readonly errors?: readonly { readonly shape: string }[];
}

export interface ServiceModel {
  readonly metadata: { readonly signingName: string; readonly protocol: string; readonly apiVersion: string };
  readonly operations: Readonly<Record<OperationName, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

/** The model as loaded from disk; the JSON's inferred type is too wide to use directly. */
export const serviceModel: ServiceModel = modelJson as unknown as ServiceModel;

export const OPERATION_NAMES = Object.keys(serviceModel.operations) as OperationName[];

export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(serviceModel.operations, name);
}

export function shapeNamed(name: string): Shape {
  const shape = serviceModel.shapes[name];
  if (!shape) throw new Error(`The model has no shape named ${name}`);
  return shape;
}

export function inputShapeOf(operation: OperationName): Shape {
  const ref = serviceModel.operations[operation].input;
  return ref ? shapeNamed(ref.shape) : { type: 'structure', members: {} };
}

export function outputShapeOf(operation: OperationName): Shape {
  const ref = serviceModel.operations[operation].output;
  return ref ? shapeNamed(ref.shape) : { type: 'structure', members: {} };
}

/** Names of the input members flagged `idempotencyToken` (the clientToken, here). */
export function idempotencyMembersOf(operation: OperationName): string[] {
  const members = inputShapeOf(operation).members ?? {};
  return Object.keys(members).filter((name) => members[name].idempotencyToken === true);
}

/** Error names the model declares for an operation. */
export function declaredErrorsOf(operation: OperationName): string[] {
  return (serviceModel.operations[operation].errors ?? []).map((error) => error.shape);
}
