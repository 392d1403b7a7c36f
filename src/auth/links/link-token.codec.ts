import { createHash, randomBytes } from 'node:crypto';

/** Recognisable in a leaked log or paste, like the access tokens' `nat_`. */
const LINK_TOKEN_PREFIX = 'lnk_';
const LINK_TOKEN_SHAPE = /^lnk_[A-Za-z0-9_-]{43}$/;

/** A new link token: 256 random bits in base64url. */
export function generateLinkToken(): string {
  return `${LINK_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Whether the text could be one of our link tokens, decided without the database. */
export function isWellFormedLinkToken(token: string): boolean {
  return LINK_TOKEN_SHAPE.test(token);
}

export function digestLinkToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
