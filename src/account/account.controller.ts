import { Body, Controller, Get, Ip, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, AuthenticatedUser, ApiErrors, CurrentSession, CurrentUser } from '../auth';
import { toUserResponse, UserResponse } from '../users/dto/user.response';
import { AccountService } from './account.service';
import { UpdateProfileRequest } from './dto/update-profile.request';

@ApiTags('Users')
@Controller('users')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @ApiOperation({ summary: 'The current user' })
  @ApiOkResponse({ type: UserResponse })
  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): UserResponse {
    return toUserResponse(user);
  }

  @ApiOperation({ summary: 'Change the email or password (the current password is required)' })
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
  @Patch('me')
  async updateMe(
    @CurrentSession() session: AuthContext,
    @Body() body: UpdateProfileRequest,
    @Ip() clientAddress: string,
  ): Promise<UserResponse> {
    return toUserResponse(await this.account.updateProfile(session, body, clientAddress));
  }
}
