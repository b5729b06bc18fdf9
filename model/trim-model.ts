/**
 * Derives the trimmed FinSpace Data model that the emulator and the client's
 * contract test read: the operations this library uses, every shape they reach,
 * their constraints and errors, without documentation text.
 *
 * Usage: ts-node model/trim-model.ts <path-to-official-service-2.json>
 */
import * as fs from 'fs';
import * as path from 'path';

/** The operations the handler and the emulator need (issue: client and emulator). */
export const OPERATIONS = [
  'CreatePermissionGroup',
  'UpdatePermissionGroup',
  'DeletePermissionGroup',
  'GetPermissionGroup',
  'ListPermissionGroups',
  'AssociateUserToPermissionGroup',
  'DisassociateUserFromPermissionGroup',
  'ListUsersByPermissionGroup',
  'ListPermissionGroupsByUser',
  'GetUser',
  'ListUsers',
  'CreateUser',
  'UpdateUser',
  'EnableUser',
  'DisableUser',
  'GetProgrammaticAccessCredentials',
];

type Json = { [key: string]: any };

function withoutDocs(value: any): any {
  if (Array.isArray(value)) return value.map(withoutDocs);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'documentation' || key === 'deprecatedMessage') continue;
      out[key] = withoutDocs(inner);
    }
    return out;
  }
  return value;
}

export function trimModel(model: Json): Json {
  const shapes: Json = {};
  const visit = (name: string) => {
    if (shapes[name]) return;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`shape ${name} missing from model`);
    shapes[name] = withoutDocs(shape);
    for (const member of Object.values<Json>(shape.members ?? {})) visit(member.shape);
    if (shape.member) visit(shape.member.shape);
    if (shape.key) visit(shape.key.shape);
    if (shape.value) visit(shape.value.shape);
  };
  const operations: Json = {};
  for (const name of OPERATIONS) {
    const op = model.operations[name];
    if (!op) throw new Error(`operation ${name} missing from model`);
    operations[name] = withoutDocs(op);
    if (op.input) visit(op.input.shape);
    if (op.output) visit(op.output.shape);
    for (const error of op.errors ?? []) visit(error.shape);
  }
  const sortedShapes: Json = {};
  for (const name of Object.keys(shapes).sort()) sortedShapes[name] = shapes[name];
  return { version: model.version, metadata: model.metadata, operations, shapes: sortedShapes };
}

if (require.main === module) {
  const source = process.argv[2];
  if (!source) {
    process.stderr.write('usage: trim-model.ts <service-2.json>\n');
    process.exit(2);
  }
  const model = JSON.parse(fs.readFileSync(source, 'utf8'));
  const target = path.join(__dirname, 'finspace-data.json');
  fs.writeFileSync(target, JSON.stringify(trimModel(model), null, 2) + '\n');
  process.stdout.write(`wrote ${target}\n`);
}
