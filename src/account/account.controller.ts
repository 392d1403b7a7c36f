import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { ApiErrors, AuthContext, AuthenticatedUser, CurrentSession, CurrentUser, Public, RequireScopes } from '../auth';
import { SecurityEventPageResponse, SecurityEventPages, toSecurityEventResponse } from '../auth/internal';
import { PageQuery } from '../common/pagination/page.query';
import { toUserResponse, UserResponse } from '../users/dto/user.response';
import { AccountService } from './account.service';
import { DeleteAccountRequest } from './dto/delete-account.request';
import { LinkTokenRequest } from './dto/link-token.request';
import { UpdateProfileRequest } from './dto/update-profile.request';

@ApiTags('Users')
@Controller('users')
export class AccountController {
  constructor(
    private readonly account: AccountService,
    private readonly securityEventPages: SecurityEventPages,
  ) {}

  @ApiOperation({ summary: 'The current user' })
  @ApiOkResponse({ type: UserResponse })
  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): UserResponse {
    return toUserResponse(user);
  }

  @ApiOperation({ summary: "The caller's security events, newest first, a page at a time" })
  @ApiOkResponse({ type: SecurityEventPageResponse })
  @ApiErrors('VALIDATION_FAILED')
  @Get('me/security-events')
  async securityEvents(@CurrentUser() user: AuthenticatedUser, @Query() query: PageQuery): Promise<SecurityEventPageResponse> {
    const { items, nextCursor } = await this.securityEventPages.page('own', { userId: user.id }, query.cursor, query.limit);
    return { items: items.map(toSecurityEventResponse), nextCursor };
  }

  @ApiOperation({
    summary: 'Change the password, or ask for another email (the current password is required)',
    description: 'A new password applies at once. A new email is pending until the link mailed to it is used.',
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(
    'VALIDATION_FAILED',
    'INVALID_CURRENT_PASSWORD',
    'EMAIL_TAKEN',
    'TOO_MANY_REQUESTS',
    'UNSUPPORTED_MEDIA_TYPE',
    'PAYLOAD_TOO_LARGE',
    'SERVICE_UNAVAILABLE',
  )
  @RequireScopes('account')
  @Patch('me')
  async updateMe(
    @CurrentSession() session: AuthContext,
    @Body() body: UpdateProfileRequest,
    @Client() client: RequestClient,
  ): Promise<UserResponse> {
    return toUserResponse(await this.account.updateProfile(session, body, client));
  }

  @ApiOperation({ summary: 'Take the new email, with the token of the link mailed to it (the link is the proof: no login needed)' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors('INVALID_LINK', 'EMAIL_TAKEN', 'VALIDATION_FAILED', 'TOO_MANY_REQUESTS')
  @Public()
  @Post('me/email/confirm')
  @HttpCode(HttpStatus.OK)
  async confirmEmailChange(@Body() body: LinkTokenRequest, @Client() client: RequestClient): Promise<UserResponse> {
    return toUserResponse(await this.account.confirmEmailChange(body.token, client));
  }

  @ApiOperation({ summary: 'Delete the account and everything of it (the current password is required, and a code when MFA is on)' })
  @ApiNoContentResponse({ description: 'Deleted; a notice is mailed' })
  @ApiErrors(
    'VALIDATION_FAILED',
    'INVALID_CURRENT_PASSWORD',
    'INVALID_MFA_CODE',
    'LAST_ADMIN',
    'TOO_MANY_REQUESTS',
    'UNSUPPORTED_MEDIA_TYPE',
    'SERVICE_UNAVAILABLE',
  )
  @RequireScopes('account')
  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  async deleteMe(
    @CurrentSession() session: AuthContext,
    @Body() body: DeleteAccountRequest,
    @Client() client: RequestClient,
  ): Promise<void> {
    await this.account.deleteAccount(session, body.currentPassword, body.code, client);
  }
}
