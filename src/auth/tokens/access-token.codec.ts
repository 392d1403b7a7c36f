import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Recognisable by secret scanners, like GitHub's `ghp_` or Slack's `xoxb-`. */
export const ACCESS_TOKEN_PREFIX = 'nat_';
const SECRET_BYTES = 32;
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const TOKEN_SHAPE = new RegExp(`^${ACCESS_TOKEN_PREFIX}[A-Za-z0-9_-]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`);

function checksum(secret: string): string {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(secret));
  return value.toString('base64url');
}

/** A new token: 256 random bits, base64url, with a CRC32 that lets typos and junk fail offline. */
export function generateAccessToken(): string {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return `${ACCESS_TOKEN_PREFIX}${secret}${checksum(secret)}`;
}

/** Whether the text could be one of our tokens, decided without the database. */
export function isWellFormedAccessToken(token: string): boolean {
  if (!TOKEN_SHAPE.test(token)) return false;
  const secret = token.slice(ACCESS_TOKEN_PREFIX.length, ACCESS_TOKEN_PREFIX.length + SECRET_LENGTH);
  return token.slice(-CHECKSUM_LENGTH) === checksum(secret);
}

/** What the database stores and looks up: the SHA-256 digest, never the token. */
export function digestAccessToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
