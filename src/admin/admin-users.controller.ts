import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, AuthenticatedUser, CurrentUser, RequireScopes, Roles } from '../auth';
import { RowIdPipe } from '../common/http/row-id.pipe';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { AdminUsersService } from './admin-users.service';
import { AdminUserPageResponse, AdminUserResponse, toAdminUserResponse } from './dto/admin-user.response';
import { AdminUsersQuery } from './dto/admin-users.query';
import { UpdateUserRequest } from './dto/update-user.request';

const USER_ID = new RowIdPipe('No such user');

/** Every route: role admin (403 FORBIDDEN for anyone else), and a token with the admin scope (403 INSUFFICIENT_SCOPE). */
@ApiTags('Administration')
@Roles('admin')
@RequireScopes('admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly admin: AdminUsersService) {}

  @ApiOperation({ summary: 'The users, by id, a page at a time; search matches within the email' })
  @ApiOkResponse({ type: AdminUserPageResponse })
  @ApiErrors('VALIDATION_FAILED')
  @Get()
  async list(@Query() query: AdminUsersQuery): Promise<AdminUserPageResponse> {
    const { items, nextCursor } = await this.admin.list(query);
    return { items: items.map(toAdminUserResponse), nextCursor };
  }

  @ApiOperation({ summary: 'One user' })
  @ApiOkResponse({ type: AdminUserResponse })
  @ApiErrors('NOT_FOUND')
  @Get(':id')
  async get(@Param('id', USER_ID) id: number): Promise<AdminUserResponse> {
    return toAdminUserResponse(await this.admin.get(id));
  }

  @ApiOperation({
    summary: 'Change a user’s role or activity',
    description: 'Demoting or deactivating ends the user’s tokens at once. 409 LAST_ADMIN when no active admin would remain.',
  })
  @ApiOkResponse({ type: AdminUserResponse })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'LAST_ADMIN', 'UNSUPPORTED_MEDIA_TYPE')
  @Patch(':id')
  async update(
    @Param('id', USER_ID) id: number,
    @Body() body: UpdateUserRequest,
    @CurrentUser() admin: AuthenticatedUser,
    @Client() client: RequestClient,
  ): Promise<AdminUserResponse> {
    return toAdminUserResponse(await this.admin.change(id, body, admin.id, client));
  }

  @ApiOperation({ summary: 'Revoke every token of a user' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors('NOT_FOUND')
  @Delete(':id/tokens')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeTokens(
    @Param('id', USER_ID) id: number,
    @CurrentUser() admin: AuthenticatedUser,
    @Client() client: RequestClient,
  ): Promise<void> {
    await this.admin.revokeTokens(id, admin.id, client);
  }

  @ApiOperation({ summary: 'Delete a user and everything of theirs', description: '409 LAST_ADMIN for the last active admin.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('NOT_FOUND', 'LAST_ADMIN')
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param('id', USER_ID) id: number, @CurrentUser() admin: AuthenticatedUser): Promise<void> {
    await this.admin.delete(id, admin.id);
  }
}
