import { createHmac } from 'node:crypto';

/**
 * RFC 6238 (TOTP over RFC 4226's HOTP with HMAC-SHA-1), written here from the
 * RFCs with node:crypto alone: the tests compute codes with this, never with
 * the library the service uses, so that a shared misreading cannot pass.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const character of text.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32.indexOf(character);
    if (index < 0) throw new Error(`not base32: ${character}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 4226 §5.3: HMAC of the 8-byte big-endian counter, dynamic truncation, modulo 10^digits. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code of the 30-second step that contains `at` (a Date, or seconds since the epoch). */
export function totp(key: Buffer, at: Date | number, digits = 6): string {
  const seconds = typeof at === 'number' ? at : at.getTime() / 1000;
  return hotp(key, Math.floor(seconds / 30), digits);
}

/** The code for a secret as enrolment hands it out (base32). */
export function totpOf(base32Secret: string, at: Date): string {
  return totp(base32Decode(base32Secret), at);
}
