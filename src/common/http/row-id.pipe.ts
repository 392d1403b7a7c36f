import { PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

/** The largest INT UNSIGNED: the ids of every table here. */
const MAX_ROW_ID = 4_294_967_295;

/**
 * A row id from the path, in canonical decimal digits; anything that cannot
 * be one is simply "not found", as is an id of nothing. The global validation
 * pipe hands over canonical digits as a number already, anything else as sent.
 */
export class RowIdPipe implements PipeTransform<string | number, number> {
  constructor(private readonly notFoundMessage: string) {}

  transform(value: string | number): number {
    const id = /^[1-9]\d{0,9}$/.test(String(value)) ? Number(value) : NaN;
    if (!(id <= MAX_ROW_ID)) throw new DomainError('NOT_FOUND', this.notFoundMessage);
    return id;
  }
}
