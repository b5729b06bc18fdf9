/**
 * Turns whatever went wrong into the one-line reason CloudFormation shows: which
 * resource, which call, what the service said, what to do. No stack trace: the
 * Provider framework reports `error.stack`, so the stack is set to the message.
 */
import { isFinSpaceError } from './finspace';
import { InvalidPropertiesError } from './properties';

/** CloudFormation's whole response must stay under 4 KiB; the reason gets a share. */
const MAX_REASON_CHARS = 1000;

/** A failure whose message is the reason to show, as raised by a lifecycle or as reported. */
export class DeploymentFailure extends Error {
  public override readonly name = 'DeploymentFailure';
}

export interface FailureContext {
  /** E.g. "permission group Analysts" (a logical id: names are sensitive). */
  readonly resource: string;
  readonly environmentId?: string;
  /** The handler role, for the message that says what to register. */
  readonly handlerRoleArn?: string;
}

/** The failure CloudFormation reports for `error`: the resource, then the reason. */
export function toDeploymentFailure(error: unknown, context: FailureContext): DeploymentFailure {
  const failure = new DeploymentFailure(truncate(`${context.resource}: ${explain(error, context)}`));
  failure.stack = failure.message;
  return failure;
}

function explain(error: unknown, context: FailureContext): string {
  if (error instanceof DeploymentFailure) return error.message;
  if (error instanceof InvalidPropertiesError) {
    return `invalid resource properties: ${error.message}. The template was not made by this library's constructs, or by an incompatible version.`;
  }
  if (isFinSpaceError(error)) {
    // The reason goes on with sentences of its own: one full stop between them.
    const said = `${error.operation} failed with ${error.name}${error.reason ? ` (${error.reason})` : ''}: ${error.message.replace(/\.+$/, '')}`;
    if (error.operation === 'GetProgrammaticAccessCredentials' && error.name === 'AccessDeniedException') {
      return `${said}. FinSpace gives credentials for environment ${context.environmentId ?? '?'} only to a role registered as the ` +
        `IAM principal ARN (apiAccessPrincipalArn) of an enabled FinSpace user with API access: register ${context.handlerRoleArn ?? 'the handler role'} ` +
        'on such a user, and check that the role may call finspace-api:GetProgrammaticAccessCredentials.';
    }
    if (error.name === 'AccessDeniedException') {
      return `${said}. The FinSpace user registered for ${context.handlerRoleArn ?? 'the handler role'} must be a superuser or belong to a permission group with ManageUsersAndGroups.`;
    }
    if (error.name === 'ThrottlingException' || error.statusCode >= 500) {
      return `${said}. FinSpace kept failing after every retry; deploy again later.`;
    }
    if (error.name === 'LimitExceededException') {
      return `${said}. A FinSpace quota was reached; remove unused groups or ask AWS Support to raise it.`;
    }
    return said + '.';
  }
  // Duck-typed: errors raised by Node's own modules may come from another realm.
  const { code, message } = (error ?? {}) as Partial<NodeJS.ErrnoException>;
  if (typeof message === 'string') {
    return code ? `could not reach FinSpace (${code}): ${message}` : message;
  }
  return String(error);
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length <= MAX_REASON_CHARS ? oneLine : `${oneLine.slice(0, MAX_REASON_CHARS - 1)}…`;
}
