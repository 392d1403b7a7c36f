import { PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import type { ErrorCode } from '../errors/error-codes';

/** The largest INT UNSIGNED: the ids of every table here. */
const MAX_ROW_ID = 4_294_967_295;

/**
 * A row id from the path, in canonical decimal digits; anything that cannot
 * be one is simply "not found", as is an id of nothing: answered with
 * `notFoundCode` (a 404 code of the module's own, or NOT_FOUND), so that a
 * malformed id and an unknown one look alike. The global validation pipe
 * hands over canonical digits as a number already, anything else as sent.
 * Nest's ParseIntPipe answers 400 for both, and reads `0x10` as 16.
 */
export class RowIdPipe implements PipeTransform<string | number, number> {
  constructor(
    private readonly notFoundMessage: string,
    private readonly notFoundCode: ErrorCode = 'NOT_FOUND',
  ) {}

  transform(value: string | number): number {
    const id = /^[1-9]\d{0,9}$/.test(String(value)) ? Number(value) : NaN;
    if (!(id <= MAX_ROW_ID)) throw new DomainError(this.notFoundCode, this.notFoundMessage);
    return id;
  }
}
