/**
 * Counts HTTP requests per operation, retries and credential fetches included, from
 * the client's per-attempt logger: the handler never counts, so its bundle does not
 * carry this.
 */
import type { FinSpaceDebugEvent, OperationName } from '../../../../lambda/finspace';

export type RequestCounts = Readonly<Partial<Record<OperationName, number>>>;

export class RequestMetrics {
  private counts: Partial<Record<OperationName, number>> = {};

  /** The client's `logger`: one event per HTTP attempt. */
  public readonly logger = (event: FinSpaceDebugEvent): void => this.record(event.operation);

  /** Notes one request sent for `operation`. */
  public record(operation: OperationName): void {
    this.counts[operation] = (this.counts[operation] ?? 0) + 1;
  }

  /** Requests sent for `operation`, or for all operations when omitted. */
  public count(operation?: OperationName): number {
    if (operation) return this.counts[operation] ?? 0;
    return Object.values(this.counts).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  }

  /** A copy of the counts; operations never called are absent. */
  public snapshot(): RequestCounts {
    return { ...this.counts };
  }

  public reset(): void {
    this.counts = {};
  }
}
