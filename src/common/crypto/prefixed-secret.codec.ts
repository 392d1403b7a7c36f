import { createHash, randomBytes } from 'node:crypto';

export interface PrefixedSecretCodec {
  /** A new secret: the prefix, then 256 random bits in base64url. */
  generate(this: void): string;
  /** Whether the text could be one of these secrets, decided without the database. */
  isWellFormed(this: void, text: string): boolean;
  /** What the database stores and looks up: the SHA-256 digest, never the secret. */
  digest(this: void, text: string): Buffer;
}

/**
 * Bearer secrets that are looked up by digest (mailed links, MFA challenges).
 * The prefix makes a leaked one recognisable in a log or a paste, and tells
 * one kind from another before any query.
 */
export function prefixedSecretCodec(prefix: string): PrefixedSecretCodec {
  const shape = new RegExp(`^${prefix}[A-Za-z0-9_-]{43}$`);
  return {
    generate: () => `${prefix}${randomBytes(32).toString('base64url')}`,
    isWellFormed: (text) => shape.test(text),
    digest: (text) => createHash('sha256').update(text, 'utf8').digest(),
  };
}
