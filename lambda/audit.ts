/**
 * Entry point of the drift audit, bundled on its own into assets/lambda/audit so
 * that the deploy functions' bundle does not carry it. The stack's schedule (or a
 * person, through the runner's drift command) invokes `audit`.
 */
import type { Context } from 'aws-lambda';
import { declaredResourcesFromLayer, runAudit } from './drift-audit';
import { invocationContext } from './handler-context';
import { lambdaContext } from './index';
import type { AuditRequest, AuditResult } from '../contract/drift-audit';

/** Compares the stack's declared groups and members with FinSpace, and heals when asked. */
export async function audit(event: AuditRequest, lambda?: Context): Promise<AuditResult> {
  const declared = declaredResourcesFromLayer();
  if (!declared) throw new Error('this function has no declared resources in its layer: it is not the audit function of a FinSpaceDataAccess with audit');
  return runAudit(event, declared, invocationContext(lambdaContext(lambda), 'onEvent'));
}
