import { codePointLength } from './unicode';
import { validateWith } from './problem-validator';

/**
 * A string of at most `max` characters as the database counts them (code
 * points), the one length check of every text field, so that no value that
 * passes it can overflow its column.
 */
export function MaxCodePoints(max: number): PropertyDecorator {
  return validateWith(`maxCodePoints${max}`, (value) =>
    typeof value === 'string' && codePointLength(value) > max ? `must be at most ${max} characters` : undefined,
  );
}
