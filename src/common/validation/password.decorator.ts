import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { isCommonPassword } from './password-policy';
import { validateWith } from './problem-validator';
import { hasLoneSurrogate } from './unicode';

export const PASSWORD_MIN_CODE_POINTS = 8;
/** bcrypt ignores every byte past the 72nd: longer passwords are refused, never cut. */
export const PASSWORD_MAX_BYTES = 72;

function passwordProblem(value: unknown, isNew: boolean): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (hasLoneSurrogate(value)) return 'must be valid Unicode text';
  if (value.includes('\0')) return 'must not contain NUL characters';
  const normalised = value.normalize('NFKC');
  if (isNew && [...normalised].length < PASSWORD_MIN_CODE_POINTS) {
    return `must be at least ${PASSWORD_MIN_CODE_POINTS} characters`;
  }
  if (normalised.length === 0) return 'must not be empty';
  if (Buffer.byteLength(normalised, 'utf8') > PASSWORD_MAX_BYTES) {
    return `must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8`;
  }
  if (isNew && isCommonPassword(normalised)) return 'is one of the most common passwords: choose another';
  return undefined;
}

/** A password being set: 8 characters to 72 bytes once NFKC-normalised, and not a common one. */
export const IsNewPassword = () => validateWith('isNewPassword', (value) => passwordProblem(value, true));

/**
 * A password being presented for verification: no minimum, so a wrong guess is
 * an ordinary 401, but the same byte limit, so an oversized one costs no bcrypt run.
 */
export const IsPresentedPassword = () => validateWith('isPresentedPassword', (value) => passwordProblem(value, false));

/**
 * The password typed again on a route that asks for it (`currentPassword`):
 * checked like a presented one when given (null included, and refused). It
 * may be absent: an account without a password proves itself by a recent
 * sign-in instead, and PasswordConfirmationService asks an account that has
 * one for it.
 */
export const IsCurrentPassword = () =>
  applyDecorators(
    ValidateIf((_object: unknown, value: unknown) => value !== undefined),
    IsPresentedPassword(),
    ApiPropertyOptional({
      format: 'password',
      description: 'Required when the account has a password; one without may leave it out within 10 minutes of signing in',
    }),
  );
