/**
 * The SDK's retry strategies with the backoff delay taken out, so retry tests
 * check decisions (what is retried, how often) without sleeping through them.
 */
import type { RetryStrategyV2 } from '@smithy/types';
import { AdaptiveRetryStrategy, StandardRetryStrategy } from '@smithy/util-retry';

const noDelay = { computeNextBackoffDelay: () => 0, setDelayBase: () => undefined };

export function retryWithoutBackoff(maxAttempts: number, mode: 'standard' | 'adaptive' = 'standard'): RetryStrategyV2 {
  return mode === 'adaptive'
    ? new AdaptiveRetryStrategy(maxAttempts, { maxAttempts, backoff: noDelay })
    : new StandardRetryStrategy({ maxAttempts, backoff: noDelay });
}
