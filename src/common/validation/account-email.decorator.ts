import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isEmail } from 'class-validator';
import { validateWith } from './problem-validator';
import { hasLoneSurrogate } from './unicode';

export const EMAIL_MAX_LENGTH = 254;

/**
 * One form per address: NFKC (fullwidth and composed forms fold together),
 * trimmed, lower-cased. The column compares bytes (utf8mb4_bin), so this form
 * alone is what makes `A@X.com` and `a@x.com` one account.
 */
export function normalizeEmail(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFKC').trim().toLowerCase() : value;
}

/** In this order: validator's isEmail throws on a lone surrogate. */
function emailProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (hasLoneSurrogate(value)) return 'must be valid Unicode text';
  if (value.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  if (!isEmail(value, { allow_utf8_local_part: true, require_tld: true })) return 'must be a valid email address';
  return undefined;
}

/** An email address as accounts use it: normalised, valid, at most 254 characters. */
export function IsAccountEmail(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => normalizeEmail(value)),
    validateWith('isAccountEmail', emailProblem),
  );
}
