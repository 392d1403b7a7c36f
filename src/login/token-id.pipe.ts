import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';

const MAX_TOKEN_ID = 4_294_967_295;

/** A token id from the path; anything that cannot be one is simply "not found". */
@Injectable()
export class TokenIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : NaN;
    if (!(id <= MAX_TOKEN_ID)) throw new DomainError('NOT_FOUND', 'No such token');
    return id;
  }
}
