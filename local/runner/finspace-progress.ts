/**
 * What this library's handler waits for, read from the MembershipProgress its
 * membership isComplete answers with IsComplete: false: how many members are still
 * being added or removed.
 */
import type { MembershipProgress } from '../../contract/membership-progress';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE } from '../../contract/resource-types';

export const FINSPACE_RESOURCE_TYPES: readonly string[] = [PERMISSION_GROUP_RESOURCE_TYPE, GROUP_MEMBERSHIP_RESOURCE_TYPE];

/** E.g. "waiting for FinSpace: 3 being added, 1 being removed"; undefined for an answer without progress. */
export function describeFinSpaceWait(answer: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const progress = progressOf(answer?.MembershipProgress);
  if (!progress) return undefined;
  const parts = [
    progress.adding > 0 ? `${progress.adding} being added` : undefined,
    progress.removing > 0 ? `${progress.removing} being removed` : undefined,
    progress.waitingToReAdd > 0 ? `${progress.waitingToReAdd} to add again once removed` : undefined,
  ].filter(part => part !== undefined);
  return `waiting for FinSpace: ${parts.join(', ') || 'checking'}`;
}

function progressOf(value: unknown): MembershipProgress | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { adding, removing, waitingToReAdd } = value as Record<string, unknown>;
  const counts = [adding, removing, waitingToReAdd];
  return counts.every(count => Number.isInteger(count) && (count as number) >= 0) ? value as MembershipProgress : undefined;
}
