/**
 * What this library's handler says while it waits, read from its isComplete log
 * lines (lambda/group-membership.ts logs one "waiting for FinSpace" summary per
 * poll): how many members are still being added or removed.
 */
import { GROUP_MEMBERSHIP_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE } from '../../contract/resource-types';

export const FINSPACE_RESOURCE_TYPES: readonly string[] = [PERMISSION_GROUP_RESOURCE_TYPE, GROUP_MEMBERSHIP_RESOURCE_TYPE];

interface WaitingSummary {
  readonly message: string;
  readonly added?: number;
  readonly removed?: number;
  readonly pendingAdd?: number;
  readonly pendingRemove?: number;
  readonly waitingToReAdd?: number;
}

/** E.g. "waiting for FinSpace: 3 being added, 1 being removed"; undefined without such a log line. */
export function describeFinSpaceWait(logs: readonly string[]): string | undefined {
  for (const line of [...logs].reverse()) {
    const summary = parseSummary(line);
    if (!summary) continue;
    const adding = (summary.added ?? 0) + (summary.pendingAdd ?? 0);
    const removing = (summary.removed ?? 0) + (summary.pendingRemove ?? 0);
    const parts = [
      adding > 0 ? `${adding} being added` : undefined,
      removing > 0 ? `${removing} being removed` : undefined,
      summary.waitingToReAdd ? `${summary.waitingToReAdd} to add again once removed` : undefined,
    ].filter(part => part !== undefined);
    return `waiting for FinSpace: ${parts.join(', ') || 'checking'}`;
  }
  return undefined;
}

function parseSummary(line: string): WaitingSummary | undefined {
  try {
    const entry = JSON.parse(line) as WaitingSummary;
    return entry?.message === 'waiting for FinSpace' ? entry : undefined;
  } catch {
    return undefined;
  }
}
