import { createHash } from 'crypto';
import type { OnEventRequest } from './provider-types';

/**
 * A clientToken that is the same whenever CloudFormation delivers the same event
 * again or the Lambda is retried, so FinSpace replays the first answer instead of
 * doing the work twice. `purpose` tells apart the calls one event makes.
 */
export function idempotencyToken(event: Pick<OnEventRequest, 'StackId' | 'LogicalResourceId' | 'RequestId'>, purpose: string): string {
  return createHash('sha256')
    .update(`${event.StackId}\n${event.LogicalResourceId}\n${event.RequestId}\n${purpose}`)
    .digest('hex');
}
