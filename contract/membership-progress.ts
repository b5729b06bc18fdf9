/**
 * What a group membership's isComplete reports, as `MembershipProgress`, when it
 * answers IsComplete: false: how many users FinSpace is still adding or removing.
 * The Provider framework retries with the event it was given, so the field
 * reaches neither CloudFormation nor the next poll; local tooling reads it from
 * the answer to show progress.
 */
export interface MembershipProgress {
  /** Associated by this poll, or still ADDITION_IN_PROGRESS. */
  readonly adding: number;
  /** Disassociated by this poll, or still REMOVAL_IN_PROGRESS. */
  readonly removing: number;
  /** Declared users still being removed, associated again once that ends. */
  readonly waitingToReAdd: number;
}
