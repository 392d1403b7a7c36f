import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isEmail } from 'class-validator';
import { domainToASCII, domainToUnicode } from 'node:url';
import { validateWith } from './problem-validator';
import { hasInvisibleCharacter, hasLoneSurrogate } from './unicode';

export const EMAIL_MAX_LENGTH = 254;

/**
 * The local part as the HTML form's valid email address has it, a dot-atom
 * (letters, digits and ``.!#$%&'*+/=?^_`{|}~-``, no leading, trailing or
 * double dot), letters and digits of any script included. A quoted local part
 * (`"call +1 555 0100"@example.com`) is refused: it would reach the mails as
 * free text, and a mail library may rewrite it, so that the address mailed
 * would not be the address stored.
 */
const DOT_ATOM = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;

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
  if (typeof value !== 'string' || hasInvisibleCharacter(value) || hasLoneSurrogate(value)) return value;
  const folded = value.normalize('NFKC').trim().toLowerCase();
  const at = folded.lastIndexOf('@');
  const ascii = at < 0 ? undefined : asciiDomainOf(folded.slice(at + 1));
  return ascii === undefined ? folded : `${folded.slice(0, at)}@${domainToUnicode(ascii)}`;
}

/** In this order: validator's isEmail throws on a lone surrogate. */
function emailProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (hasLoneSurrogate(value)) return 'must be valid Unicode text';
  if (hasInvisibleCharacter(value)) return 'must not contain control, format or invisible characters';
  if (value.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  const at = value.lastIndexOf('@');
  if (at > 0 && !DOT_ATOM.test(value.slice(0, at))) {
    return "must have a local part of letters, digits and .!#$%&'*+/=?^_`{|}~- only (no quotes, spaces or double dots)";
  }
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

/** An address from elsewhere (an identity provider's claim) as an account's: canonical, or null when no account could have it. */
export function toAccountEmail(value: unknown): string | null {
  const normalized = normalizeEmail(value);
  return emailProblem(normalized) === undefined ? (normalized as string) : null;
}
