/**
 * Entry point of the drift audit, bundled on its own into assets/lambda/audit so
 * that the deploy functions' bundle does not carry it. The stack's schedule (or a
 * person, through the runner's drift command) invokes `audit`; with healOnDeploy,
 * CloudFormation also sends it the deploy-heal resource's events.
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { healOnDeploy, isCustomResourceEvent, submitResponse } from './deploy-heal';
import { declaredResourcesFromLayer, runAudit } from './drift-audit';
import { invocationContext } from './handler-context';
import { lambdaContext } from './index';
import type { AuditRequest, AuditResult } from '../contract/drift-audit';

/** Compares the stack's declared groups and members with FinSpace, and heals when asked. */
export async function audit(event: AuditRequest | CloudFormationCustomResourceEvent, lambda?: Context): Promise<AuditResult | void> {
  const declared = declaredResourcesFromLayer();
  const context = invocationContext(lambdaContext(lambda), 'onEvent');
  if (isCustomResourceEvent(event)) {
    const response = await healOnDeploy(event, declared, context);
    return submitResponse(event.ResponseURL, response, ms => context.sleep(ms));
  }
  if (!declared) throw new Error('this function has no declared resources in its layer: it is not the audit function of a FinSpaceDataAccess with audit');
  return runAudit(event, declared, context);
}
