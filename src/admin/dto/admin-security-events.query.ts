import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { SECURITY_EVENT_TYPES, SecurityEventType } from '../../auth/security-events/security-event.entity';
import { PageQuery } from '../../common/pagination/page.query';

export class AdminSecurityEventsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'The user the events are about' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4_294_967_295)
  userId?: number;

  @ApiPropertyOptional({ enum: SECURITY_EVENT_TYPES })
  @IsOptional()
  @IsIn(SECURITY_EVENT_TYPES)
  type?: SecurityEventType;
}
