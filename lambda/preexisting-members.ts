/**
 * The one memory a membership keeps across events: the declared users that a deploy
 * found already in the group. A rollback updates the membership back to the previous
 * declaration, which drops them like any deliberate change; the record tells it which
 * of them were there before the failed deploy, so that they stay (README, "What a
 * rollback puts back"). CloudFormation keeps nothing of a failed update's answer, so
 * the record lives in Parameter Store: standard String parameters under the stack's
 * path, one folder per resource, `<path>/<LogicalResourceId>/<chunk>`.
 *
 * A record holds the digest of the declaration it was made for, and is trusted only
 * by the rollback of that very declaration: a record left behind (a write that
 * failed, a deploy that succeeded) never spares anyone else.
 */
import { createHash } from 'node:crypto';
import type { ParameterStore } from './parameter-store';
import type { GroupMembershipProperties } from './properties';

/** A standard parameter holds 4 KB; the chunk's JSON keeps below it. */
const CHUNK_CHARS = 3_900;
/** DeleteParameters takes at most this many names. */
const DELETE_BATCH = 10;

interface Chunk {
  /** The digest of the declaration the record was made for. */
  readonly declaration: string;
  /** The RequestId of the event that made it. */
  readonly event: string;
  readonly userIds: string[];
}

export class PreexistingMembers {
  constructor(private readonly store: ParameterStore, private readonly path: string) {}

  /**
   * Replaces the resource's record with `userIds`, found present by the event
   * `eventId` that declares `props`. The record has a first chunk even when empty,
   * which says that the event made it (see isRecordedBy).
   */
  async record(logicalId: string, props: GroupMembershipProperties, eventId: string, userIds: readonly string[]): Promise<void> {
    const folder = this.folderOf(logicalId);
    const chunks = chunksOf(userIds, { declaration: declarationDigest(props), event: eventId });
    const names = chunks.map((_, index) => `${folder}/${index}`);
    const existing = (await this.store.parametersUnder(folder)).map(parameter => parameter.name);
    for (const [index, chunk] of chunks.entries()) await this.store.put({ name: names[index], value: JSON.stringify(chunk) });
    await this.deleteAll(existing.filter(name => !names.includes(name)));
  }

  /** The users the record holds for the declaration `props`; none when it was made for another. */
  async recorded(logicalId: string, props: GroupMembershipProperties): Promise<string[]> {
    const declaration = declarationDigest(props);
    const userIds: string[] = [];
    for (const parameter of await this.store.parametersUnder(this.folderOf(logicalId))) {
      const chunk = parseChunk(parameter.value);
      if (chunk?.declaration === declaration) userIds.push(...chunk.userIds);
    }
    return userIds;
  }

  /** Whether the event `eventId` made the resource's record (an earlier poll of it did). */
  async isRecordedBy(logicalId: string, eventId: string): Promise<boolean> {
    const chunks = (await this.store.parametersUnder(this.folderOf(logicalId))).map(parameter => parseChunk(parameter.value));
    return chunks.some(chunk => chunk?.event === eventId);
  }

  /** Deletes the resource's record, once the resource is gone. */
  async forget(logicalId: string): Promise<void> {
    await this.deleteAll((await this.store.parametersUnder(this.folderOf(logicalId))).map(parameter => parameter.name));
  }

  private folderOf(logicalId: string): string {
    return `${this.path}/${logicalId}`;
  }

  private async deleteAll(names: string[]): Promise<void> {
    for (let start = 0; start < names.length; start += DELETE_BATCH) await this.store.delete(names.slice(start, start + DELETE_BATCH));
  }
}

/** What identifies a declaration: its group, its place, and its users in any order. */
export function declarationDigest(props: GroupMembershipProperties): string {
  const identity = [props.environmentId, props.permissionGroupId, props.membershipKey, props.shardIndex, props.exclusive, [...props.userIds].sort(),
    props.emails.map(email => email.toLowerCase()).sort()];
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url');
}

function chunksOf(userIds: readonly string[], made: Omit<Chunk, 'userIds'>): Chunk[] {
  const chunks: Chunk[] = [];
  let current: string[] = [];
  let size = 0;
  for (const userId of userIds) {
    const cost = JSON.stringify(userId).length + 1;
    if (current.length > 0 && size + cost > CHUNK_CHARS) {
      chunks.push({ ...made, userIds: current });
      current = [];
      size = 0;
    }
    current.push(userId);
    size += cost;
  }
  if (current.length > 0 || chunks.length === 0) chunks.push({ ...made, userIds: current });
  return chunks;
}

function parseChunk(value: string): Chunk | undefined {
  try {
    const chunk = JSON.parse(value) as Partial<Chunk>;
    return typeof chunk.declaration === 'string' && typeof chunk.event === 'string' && Array.isArray(chunk.userIds) && chunk.userIds.every(u => typeof u === 'string')
      ? chunk as Chunk : undefined;
  } catch {
    return undefined;
  }
}
