import { createHash, randomBytes } from 'node:crypto';

/** Crockford's base32: digits and capitals with no I, L, O or U, so that nothing read off paper is ambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SYMBOLS = 16;
const GROUP = 4;
/** 16 symbols of 5 bits: 80 random bits, beyond offline guessing of an unsalted SHA-256. */
const NORMALISED_SHAPE = new RegExp(`^[${ALPHABET}]{${SYMBOLS}}$`);

export const RECOVERY_CODES_PER_SET = 10;

export interface NewRecoveryCode {
  /** As the user sees it, once: `7K2M-Q9XD-4HRT-0VBN`. */
  shown: string;
  /** As it is stored. */
  digest: Buffer;
}

export function generateRecoveryCode(): NewRecoveryCode {
  // 256 is a multiple of 32: the low five bits of a random byte are uniform.
  const symbols = [...randomBytes(SYMBOLS)].map((byte) => ALPHABET[byte & 31]).join('');
  const groups = Array.from({ length: SYMBOLS / GROUP }, (_, index) => symbols.slice(index * GROUP, (index + 1) * GROUP));
  return { shown: groups.join('-'), digest: digestRecoveryCode(symbols) };
}

/**
 * The canonical form of what a user typed: case, dashes and spaces do not
 * matter, and the letters that look like digits (O, I, L) read as those
 * digits. Null when it cannot be a recovery code.
 */
export function normaliseRecoveryCode(typed: string): string | null {
  const normalised = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return NORMALISED_SHAPE.test(normalised) ? normalised : null;
}

/** What is stored: the SHA-256 digest of the canonical form. */
export function digestRecoveryCode(normalised: string): Buffer {
  return createHash('sha256').update(normalised, 'ascii').digest();
}
