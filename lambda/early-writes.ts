/**
 * Writes that need not wait for onEvent's listing of the group. A small change to a
 * large group would otherwise wait for every page before its one write, then for
 * FinSpace to settle it: the writes here start while the listing runs, so that the
 * settling overlaps the listing.
 *
 * - Additions the declarations name (declared now, not before) start once the first page
 *   has shown that the group exists: adding a user can do no harm, and the listing
 *   still decides everything else.
 * - Removals start as soon as the page that shows the user has been read: only the
 *   listing tells whether a member is the handler's own user, which is never removed.
 *
 * Only writes FinSpace accepted count. Any other answer is left to the reconcile pass
 * after the listing, which makes the write again (same idempotency token) and deals
 * with the error as it always does.
 */
import type { FinSpaceDataClient, UserByPermissionGroup } from './finspace';
import type { InvocationContext } from './handler-context';

/** The writes made while the listing ran. */
export interface EarlyWritten {
  /** Users FinSpace accepted to add. */
  readonly added: ReadonlySet<string>;
  /**
   * Users this event asked FinSpace to add, whatever it answered: an answer lost on
   * the way back may hide an addition that took, which a later listing then shows.
   */
  readonly askedToAdd: ReadonlySet<string>;
  /** Users FinSpace accepted to remove. */
  readonly removed: ReadonlySet<string>;
}

export interface EarlyWriteOptions {
  readonly groupId: string;
  /** Users to add, known from the declarations alone. */
  readonly additions: readonly string[];
  /** The users of one listed page that must go. */
  readonly removalsOf: (page: ReadonlyMap<string, UserByPermissionGroup>) => string[];
  /** The idempotency token of a write, as the reconcile pass derives it. */
  readonly token: (action: 'add' | 'remove', userId: string) => string | undefined;
  /**
   * Asked before each early addition, when given: false leaves the user to the
   * reconcile pass. Whether FinSpace accepts adding a member again is not documented,
   * so only a read before the write tells a user this event adds from one it found.
   */
  readonly mayAdd?: (userId: string) => Promise<boolean>;
}

export class EarlyWrites {
  private readonly added = new Set<string>();
  private readonly askedToAdd = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly started = new Set<string>();
  /** Writes not yet started; at most maxConcurrency run at once, additions and removals together. */
  private readonly queue: Array<{ readonly userId: string; readonly action: 'add' | 'remove' }> = [];
  private readonly workers = new Set<Promise<void>>();
  private firstPage = true;

  constructor(
    private readonly client: FinSpaceDataClient,
    private readonly options: EarlyWriteOptions,
    private readonly context: InvocationContext,
  ) {}

  /** Starts the removals a page of the listing shows, and after the first page the additions. */
  public onPage(page: ReadonlyMap<string, UserByPermissionGroup>): void {
    if (this.firstPage) {
      this.firstPage = false;
      this.enqueue(this.options.additions, 'add');
    }
    this.enqueue(this.options.removalsOf(page).filter(userId => page.get(userId)?.membershipStatus !== 'REMOVAL_IN_PROGRESS'), 'remove');
  }

  /** Waits for every write started, then says which FinSpace accepted. */
  public async settled(): Promise<EarlyWritten> {
    while (this.workers.size > 0) await Promise.all(this.workers);
    return { added: this.added, askedToAdd: this.askedToAdd, removed: this.removed };
  }

  private enqueue(userIds: readonly string[], action: 'add' | 'remove'): void {
    for (const userId of userIds) {
      if (this.started.has(userId)) continue;
      this.started.add(userId);
      this.queue.push({ userId, action });
    }
    while (this.workers.size < this.context.settings.maxConcurrency && this.queue.length > 0) {
      const worker: Promise<void> = this.work().finally(() => this.workers.delete(worker));
      this.workers.add(worker);
    }
  }

  private async work(): Promise<void> {
    const { groupId, token } = this.options;
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      // Writes that no longer fit the invocation are the reconcile pass's (or isComplete's) to make.
      if (!this.context.time.writesAllowed()) continue;
      const { userId, action } = next;
      try {
        if (action === 'add') {
          if (this.options.mayAdd && !(await this.options.mayAdd(userId))) continue;
          this.askedToAdd.add(userId);
          await this.client.associateUserToPermissionGroup({ permissionGroupId: groupId, userId, clientToken: token('add', userId) });
          this.added.add(userId);
        } else {
          await this.client.disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId, clientToken: token('remove', userId) });
          this.removed.add(userId);
        }
      } catch {
        // Left to the reconcile pass, which repeats the write and handles its answer.
      }
    }
  }
}
