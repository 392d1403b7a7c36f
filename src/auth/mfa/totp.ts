import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as the contract fixes it: HMAC-SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step of clock drift either way. */
const WINDOW_STEPS = 1;
/** RFC 4226 §4 asks for 128 bits at least and recommends 160. */
const SECRET_BYTES = 20;

export const TOTP_CODE_SHAPE = /^\d{6}$/;

function otpSecret(secret: Buffer): Secret {
  // otpauth wants an ArrayBuffer of the secret's bytes exactly: a Buffer may be a view into a larger pool.
  return new Secret({ buffer: Uint8Array.from(secret).buffer });
}

function totp(secret: Buffer, issuer = '', label = ''): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD_SECONDS, secret: otpSecret(secret) });
}

export function generateTotpSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** The secret as authenticator apps take it when typed in. */
export function totpSecretBase32(secret: Buffer): string {
  return otpSecret(secret).base32;
}

/** The `otpauth://totp/<issuer>:<email>?...` URL a QR code carries. */
export function totpUrl(secret: Buffer, issuer: string, email: string): string {
  return totp(secret, issuer, email).toString();
}

/** The time step whose code `code` is, within one step of `now`; null when it is none of them. */
export function matchingTotpStep(secret: Buffer, code: string, now: Date): number | null {
  if (!TOTP_CODE_SHAPE.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now.getTime(), window: WINDOW_STEPS });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}
