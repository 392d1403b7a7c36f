import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { EMAIL_MAX_LENGTH } from '../../users/user.entity';

/**
 * One form per address: NFKC (fullwidth and composed forms fold together),
 * trimmed, lower-cased. The database compares case-insensitively as well, but
 * this keeps stored values canonical on every server collation.
 */
export function normalizeEmail(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFKC').trim().toLowerCase() : value;
}

/** An email address as accounts use it: normalised, valid, at most 254 characters. */
export function IsAccountEmail(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => normalizeEmail(value)),
    IsString({ message: '$property must be a string' }),
    MaxLength(EMAIL_MAX_LENGTH, { message: `$property must be at most ${EMAIL_MAX_LENGTH} characters` }),
    IsEmail({ allow_utf8_local_part: true, require_tld: true }, { message: '$property must be a valid email address' }),
  );
}
