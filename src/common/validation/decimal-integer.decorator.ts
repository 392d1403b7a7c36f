import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { validateWith } from './problem-validator';

/** Digits as a person writes a count or an id: no sign, no leading zero, no exponent, no space. */
const CANONICAL_DECIMAL = /^(0|[1-9]\d{0,15})$/;

/** The number a value from a path or a query stands for when it is written in canonical decimal digits; anything else as sent. */
export function canonicalNumber(value: unknown): unknown {
  return typeof value === 'string' && CANONICAL_DECIMAL.test(value) ? Number(value) : value;
}

/**
 * A whole number from the query string, `min` to `max`, written in canonical
 * decimal digits only: `0x10`, `1e1`, `+5`, ` 17` and `017` are refused (400),
 * where `Number()` would read them as 16, 10, 5, 17 and 17.
 */
export function IsDecimalInteger(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    // Only the canonical form becomes a number; anything else stays as sent, for the check to name.
    Transform(({ value }: { value: unknown }) => canonicalNumber(value)),
    validateWith('isDecimalInteger', (value) => {
      if (typeof value !== 'number') return 'must be a whole number in decimal digits';
      if (value < min || value > max) return `must be from ${min} to ${max}`;
      return undefined;
    }),
  );
}
