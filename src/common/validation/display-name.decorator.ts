import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';

/**
 * A name a user gives a thing of theirs (a personal token, a passkey): a
 * string of at most `maxLength` characters with something visible in it and
 * no control character, since it is shown in lists and mails.
 */
export function IsDisplayName(maxLength: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(maxLength),
    Matches(/^(?=.*\S)[^\p{Cc}]+$/u, { message: '$property must hold a visible character and no control character' }),
  );
}
