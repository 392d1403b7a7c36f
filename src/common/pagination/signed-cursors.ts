import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sessionConfig, SessionConfig } from '../../config/app.config';
import { DomainError } from '../errors/domain-error';

/** Where a list stopped, and what it was a list of: a cursor of one list or search is no cursor of another. */
export interface CursorPosition {
  list: string;
  afterId: number;
  filter: string;
}

const MAX_CURSOR_LENGTH = 1000;

/**
 * Opaque, tamper-proof cursors for keyset pagination: the position in
 * base64url JSON and an HMAC-SHA-256 of it, under a key derived from
 * CSRF_SECRET (the same on every instance). A cursor the server did not
 * issue, or an altered one, gets 400: it is never trusted.
 */
@Injectable()
export class SignedCursors {
  private readonly key: Buffer;

  constructor(@Inject(sessionConfig.KEY) config: SessionConfig) {
    this.key = createHmac('sha256', config.csrfSecret).update('pagination cursors').digest();
  }

  encode(position: CursorPosition): string {
    const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${payload}.${this.sign(payload).toString('base64url')}`;
  }

  /** The position a cursor of this list and filter holds; 0 (the start) for none; 400 for one that is not ours. */
  afterIdOf(cursor: string | undefined, list: string, filter: string): number {
    if (cursor === undefined || cursor === '') return 0;
    const [payload, signature, ...rest] = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
    // Compared as text: Node's base64url decoder skips stray characters and spare bits, so an altered signature could decode alike.
    const expected = payload === undefined ? undefined : Buffer.from(this.sign(payload).toString('base64url'));
    const given = signature === undefined ? undefined : Buffer.from(signature);
    if (rest.length > 0 || !expected || !given || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw this.refusal();
    const position = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<CursorPosition>;
    if (position.list !== list || position.filter !== filter || !Number.isSafeInteger(position.afterId)) throw this.refusal();
    return position.afterId as number;
  }

  private sign(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  private refusal() {
    return DomainError.invalidFields([{ field: 'cursor', message: 'must be a cursor this list gave out' }]);
  }
}
