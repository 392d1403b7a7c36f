import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SECURITY_EVENT_TYPES, SecurityEventType } from '../../auth/internal';
import { PageQuery } from '../../common/pagination/page.query';
import { IsDecimalInteger } from '../../common/validation/decimal-integer.decorator';

export class AdminSecurityEventsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'The user the events are about' })
  @IsOptional()
  @IsDecimalInteger(1, 4_294_967_295)
  userId?: number;

  @ApiPropertyOptional({ enum: SECURITY_EVENT_TYPES })
  @IsOptional()
  @IsIn(SECURITY_EVENT_TYPES)
  type?: SecurityEventType;
}
