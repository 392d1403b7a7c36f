import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isEmail, registerDecorator, ValidationArguments } from 'class-validator';
import { hasLoneSurrogate } from './unicode';

export const EMAIL_MAX_LENGTH = 254;

/**
 * One form per address: NFKC (fullwidth and composed forms fold together),
 * trimmed, lower-cased. The database compares case-insensitively as well, but
 * this keeps stored values canonical on every server collation.
 */
export function normalizeEmail(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFKC').trim().toLowerCase() : value;
}

/** Checks in order, so that no later check ever sees text it could choke on. */
function emailProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (hasLoneSurrogate(value)) return 'must be valid Unicode text';
  if (value.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  if (!isEmail(value, { allow_utf8_local_part: true, require_tld: true })) return 'must be a valid email address';
  return undefined;
}

/** An email address as accounts use it: normalised, valid, at most 254 characters. */
export function IsAccountEmail(): PropertyDecorator {
  const validate: PropertyDecorator = (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isAccountEmail',
      target: target.constructor,
      propertyName: propertyName.toString(),
      validator: {
        validate: (value: unknown) => emailProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'email'} ${emailProblem(args?.value)}`,
      },
    });
  };
  return applyDecorators(
    Transform(({ value }) => normalizeEmail(value)),
    validate,
  );
}
