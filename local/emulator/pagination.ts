/**
 * Opaque pagination. A token is the position after the last item returned, encrypted
 * (AES-256-GCM, key per emulator instance) with its listing as authenticated data: it cannot
 * be read, forged, or replayed against another listing. Positions are sequences, not
 * offsets, so items deleted between pages do not make a listing skip others.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';
import { modeledError } from './errors';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PageTokens {
  private readonly key = randomBytes(32);

  /**
   * A listing's page as `{ [listMember]: items, nextToken }`; `listing` names the operation,
   * environment and subject the tokens are bound to.
   */
  page(listMember: string, items: readonly { sequence: number }[], request: { maxResults: number; nextToken?: string }, listing: string): object {
    const after = request.nextToken === undefined ? 0 : this.read(request.nextToken, listing);
    const remaining = items.filter((item) => item.sequence > after).sort((a, b) => a.sequence - b.sequence);
    const page = remaining.slice(0, request.maxResults);
    return { [listMember]: page, nextToken: remaining.length > page.length ? this.issue(page[page.length - 1].sequence, listing) : undefined };
  }

  private issue(after: number, listing: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(listing));
    const sealed = Buffer.concat([cipher.update(JSON.stringify({ after }), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  private read(token: string, listing: string): number {
    const raw = Buffer.from(token, 'base64url');
    try {
      if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(listing));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      const { after } = JSON.parse(plain.toString('utf8')) as { after: unknown };
      if (!Number.isSafeInteger(after)) throw new Error('no position');
      return after as number;
    } catch {
      throw modeledError('ValidationException', 'The nextToken is not valid for this request.', 'INVALID_PAGINATION_TOKEN');
    }
  }
}
