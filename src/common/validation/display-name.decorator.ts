import { applyDecorators } from '@nestjs/common';
import { validateWith } from './problem-validator';
import { MaxCodePoints } from './text-length.decorator';
import { hasInvisibleCharacter, hasLoneSurrogate } from './unicode';

/**
 * A name a user gives a thing of theirs (a personal token, a passkey): text of
 * at most `maxLength` characters (code points, as the column counts them)
 * with something visible in it, and no control, format or invisible
 * character, since it is shown in lists and mails where U+202E would turn
 * the text around and U+200B hide a difference.
 */
export function IsDisplayName(maxLength: number): PropertyDecorator {
  return applyDecorators(
    validateWith('isDisplayName', (value) => {
      if (typeof value !== 'string') return 'must be a string';
      if (hasLoneSurrogate(value)) return 'must be valid Unicode text';
      if (hasInvisibleCharacter(value)) return 'must not contain control, format or invisible characters';
      if (!/\S/u.test(value)) return 'must hold a visible character';
      return undefined;
    }),
    MaxCodePoints(maxLength),
  );
}
