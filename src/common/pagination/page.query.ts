import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { IsDecimalInteger } from '../validation/decimal-integer.decorator';
import { MaxCodePoints } from '../validation/text-length.decorator';

export const DEFAULT_PAGE_SIZE = 20;

/** `cursor` and `limit` of a list route; a route's query extends it with its filters. */
export class PageQuery {
  @ApiPropertyOptional({ description: 'The nextCursor of the page before; none for the first page' })
  @IsOptional()
  @IsString()
  @MaxCodePoints(1000)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @IsDecimalInteger(1, 100)
  limit?: number;
}
