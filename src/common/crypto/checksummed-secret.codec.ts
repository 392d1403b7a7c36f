import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { PrefixedSecretCodec } from './prefixed-secret.codec';

const SECRET_BYTES = 32;
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;

function checksum(secret: string): string {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(secret));
  return value.toString('base64url');
}

/**
 * Secrets that clients keep and present often (access and refresh tokens):
 * the prefix, 256 random bits in base64url, and a CRC32 that lets typos and
 * junk fail offline, without a query. The prefix makes a leaked one
 * recognisable to secret scanners, like GitHub's `ghp_` or Slack's `xoxb-`.
 */
export function checksummedSecretCodec(prefix: string): PrefixedSecretCodec {
  const shape = new RegExp(`^${prefix}[A-Za-z0-9_-]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`);
  return {
    generate: () => {
      const secret = randomBytes(SECRET_BYTES).toString('base64url');
      return `${prefix}${secret}${checksum(secret)}`;
    },
    isWellFormed: (text) => {
      if (!shape.test(text)) return false;
      const secret = text.slice(prefix.length, prefix.length + SECRET_LENGTH);
      return text.slice(-CHECKSUM_LENGTH) === checksum(secret);
    },
    digest: (text) => createHash('sha256').update(text, 'utf8').digest(),
  };
}
