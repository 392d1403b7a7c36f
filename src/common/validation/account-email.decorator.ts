import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isEmail } from 'class-validator';
import { domainToASCII, domainToUnicode } from 'node:url';
import { validateWith } from './problem-validator';
import { hasLoneSurrogate } from './unicode';

export const EMAIL_MAX_LENGTH = 254;

/**
 * Characters no address may hold, in any position: controls (Cc), format
 * characters (Cf: U+00AD, U+180E, U+200B-U+200F, U+202A-U+202E,
 * U+2060-U+2064, U+FEFF...), line and paragraph separators (Zl, Zp), and the
 * letters and marks that render as nothing (U+034F, U+115F, U+1160, U+17B4,
 * U+17B5, U+3164, U+FFA0). Without them, `dave@example.com` and
 * `dave@example.com` + U+200B would be two accounts that look like one.
 */
// The combining marks stand outside the class: inside one, a mark would read as joined to the character before it.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]|\u034f|\u17b4|\u17b5/u;

/** An ASCII hostname label (LDH, RFC 1123), as a domain is checked once IDNA has mapped it. */
const HOSTNAME_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const MAX_HOSTNAME_LENGTH = 253;

/** The domain as IDNA (UTS #46, Node's `url.domainToASCII`) maps it, when that gives a valid hostname of two labels or more. */
function asciiDomainOf(domain: string): string | undefined {
  const ascii = domainToASCII(domain);
  if (ascii === '' || ascii.length > MAX_HOSTNAME_LENGTH) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => HOSTNAME_LABEL.test(label))) return undefined;
  // A top-level domain is never all digits: `user@10.0.0.1` is no hostname.
  return /^\d+$/.test(labels[labels.length - 1]) ? undefined : ascii;
}

/**
 * One form per address: NFKC (fullwidth and composed forms fold together),
 * trimmed, lower-cased, and the domain in the Unicode form of its IDNA
 * mapping (`bücher.de` and `xn--bcher-kva.de` are one domain). The column
 * compares bytes (utf8mb4_bin), so this form alone is what makes `A@X.com`
 * and `a@x.com` one account. Values that hold an invisible character are left
 * as they came, for the validator to refuse: trimming would drop some
 * (U+FEFF) and keep others, and no address needs any.
 */
export function normalizeEmail(value: unknown): unknown {
  if (typeof value !== 'string' || INVISIBLE.test(value) || hasLoneSurrogate(value)) return value;
  const folded = value.normalize('NFKC').trim().toLowerCase();
  const at = folded.lastIndexOf('@');
  const ascii = at < 0 ? undefined : asciiDomainOf(folded.slice(at + 1));
  return ascii === undefined ? folded : `${folded.slice(0, at)}@${domainToUnicode(ascii)}`;
}

/** In this order: validator's isEmail throws on a lone surrogate. */
function emailProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (hasLoneSurrogate(value)) return 'must be valid Unicode text';
  if (INVISIBLE.test(value)) return 'must not contain control, format or invisible characters';
  if (value.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  const at = value.lastIndexOf('@');
  const ascii = at < 0 ? undefined : asciiDomainOf(value.slice(at + 1));
  if (ascii === undefined) return 'must be a valid email address, with a valid domain';
  const asAscii = `${value.slice(0, at)}@${ascii}`;
  if (asAscii.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters once its domain is in ASCII`;
  if (!isEmail(asAscii, { allow_utf8_local_part: true, require_tld: true })) return 'must be a valid email address';
  return undefined;
}

/** An email address as accounts use it: normalised, valid, at most 254 characters, nothing invisible in it. */
export function IsAccountEmail(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => normalizeEmail(value)),
    validateWith('isAccountEmail', emailProblem),
  );
}
