/**
 * What isComplete does with a poll that FinSpace did not answer, after the client's
 * own retries: another poll is the better answer than failing, until the time for
 * the whole change is up.
 */
import { isTransient } from './finspace';
import type { InvocationContext } from './handler-context';

/**
 * True, and logged, when the poll should simply be tried again; false when the error
 * must fail the event.
 *
 * @param startedAt when onEvent began the change (epoch ms, as the event carries it)
 */
export function shouldPollAgain(error: unknown, startedAt: unknown, context: InvocationContext): boolean {
  if (!isTransient(error) || context.time.expired(startedAt)) return false;
  context.log('FinSpace did not answer this poll; trying again at the next one', { error: (error as Error).name });
  return true;
}
