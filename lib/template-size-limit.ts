import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, ISynthesisSession, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * CloudFormation's limit on a template body, which `cdk deploy` uploads through S3:
 * 1 MB, read as decimal bytes (aws-cdk-lib's own warning uses the same figure).
 */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/**
 * Makes synthesis fail for the stack of `scope` when the template it writes is over
 * MAX_TEMPLATE_BYTES: aws-cdk-lib only warns, and CloudFormation would refuse the
 * template at deploy. Installed once per stack.
 */
export function limitTemplateSize(scope: Construct): void {
  const stack = Stack.of(scope);
  const parent = stack.node.scope;
  const id = `${stack.node.id}FinSpaceTemplateSizeLimit`;
  if (!parent || parent.node.tryFindChild(id)) return;
  // Synthesis visits the tree children first, siblings in order: a sibling created
  // after the stack runs once the stack has written its template, so the check reads
  // the file CloudFormation gets, byte for byte, at the cost of a stat.
  const check = new Construct(parent, id);
  attachCustomSynthesis(check, { onSynthesize: session => checkTemplateSize(stack, session) });
}

function checkTemplateSize(stack: Stack, session: ISynthesisSession): void {
  const file = path.join(session.outdir, stack.templateFile);
  if (!fs.existsSync(file)) return;
  const bytes = fs.statSync(file).size;
  if (bytes <= MAX_TEMPLATE_BYTES) return;
  const indented = isIndented(file);
  throw new Error(
    `Stack ${stack.stackName} (${stack.node.path}): the template is ${bytes.toLocaleString('en-US')} bytes, over ` +
    `CloudFormation's limit of ${MAX_TEMPLATE_BYTES.toLocaleString('en-US')} bytes, so the deployment would be refused. ` +
    'The user ids of permission group members take most of it: declare the groups and their members over more stacks ' +
    '(README, "Splitting groups over stacks")' +
    (indented ? ', or set suppressTemplateIndentation on the stack, which saves 6 bytes per member.' : '.'));
}

/** aws-cdk-lib indents a template unless the stack suppresses it: then it is one line. */
function isIndented(file: string): boolean {
  const start = Buffer.alloc(2);
  const descriptor = fs.openSync(file, 'r');
  try {
    fs.readSync(descriptor, start, 0, 2, 0);
  } finally {
    fs.closeSync(descriptor);
  }
  return start.toString() === '{\n';
}
