import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { validateWith } from './problem-validator';

/** Digits as a person writes a count or an id: no sign, no leading zero, no exponent, no space. */
export const CANONICAL_DECIMAL = /^(0|[1-9]\d{0,15})$/;

/**
 * A whole number from the query string, `min` to `max`, written in canonical
 * decimal digits only: `0x10`, `1e1`, `+5`, ` 17` and `017` are refused (400),
 * where `Number()` would read them as 16, 10, 5, 17 and 17.
 */
export function IsDecimalInteger(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    // Only the canonical form becomes a number; anything else stays as sent, for the check to name.
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && CANONICAL_DECIMAL.test(value) ? Number(value) : value)),
    validateWith('isDecimalInteger', (value) => {
      if (typeof value !== 'number') return 'must be a whole number in decimal digits';
      if (value < min || value > max) return `must be from ${min} to ${max}`;
      return undefined;
    }),
  );
}
