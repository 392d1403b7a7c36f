import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sessionConfig, SessionConfig } from '../../config/app.config';

const NONCE_BYTES = 16;
const CSRF_TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * Signed double-submit CSRF tokens (OWASP CSRF cheat sheet): a random nonce and
 * an HMAC over the session's token id and that nonce. A token minted for one
 * session is worthless in another, so a cookie planted by a sibling subdomain
 * (cookie tossing) does not pass; and without the key nobody can mint one.
 */
@Injectable()
export class CsrfTokens {
  constructor(@Inject(sessionConfig.KEY) private readonly config: SessionConfig) {}

  issue(sessionTokenId: number): string {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    return `${nonce}.${this.sign(sessionTokenId, nonce).toString('base64url')}`;
  }

  isValid(sessionTokenId: number, presented: string): boolean {
    const match = CSRF_TOKEN.exec(presented);
    if (!match) return false;
    const signature = Buffer.from(match[2], 'base64url');
    const expected = this.sign(sessionTokenId, match[1]);
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }

  private sign(sessionTokenId: number, nonce: string): Buffer {
    return createHmac('sha256', this.config.csrfSecret).update(`csrf-v1:${sessionTokenId}:${nonce}`).digest();
  }
}
