import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScopes, Roles } from '../auth';
import { SecurityEventPageResponse, SecurityEventPages, toSecurityEventResponse } from '../auth/internal';
import { AdminSecurityEventsQuery } from './dto/admin-security-events.query';

@ApiTags('Administration')
@Roles('admin')
@RequireScopes('admin')
@Controller('admin/security-events')
export class AdminSecurityEventsController {
  constructor(private readonly pages: SecurityEventPages) {}

  @ApiOperation({ summary: 'Every security event, newest first, by the user it is about and its type' })
  @ApiOkResponse({ type: SecurityEventPageResponse })
  @ApiErrors('VALIDATION_FAILED')
  @Get()
  async list(@Query() query: AdminSecurityEventsQuery): Promise<SecurityEventPageResponse> {
    const { items, nextCursor } = await this.pages.page('admin', { userId: query.userId, type: query.type }, query.cursor, query.limit);
    return { items: items.map(toSecurityEventResponse), nextCursor };
  }
}
