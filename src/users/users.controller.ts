import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentSession } from '../auth/decorators/current-session.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ApiErrors } from '../docs/api-errors.decorator';
import { UpdateProfileRequest } from './dto/update-profile.request';
import { toUserResponse, UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

@ApiTags('Users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

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
    'UNSUPPORTED_MEDIA_TYPE',
    'PAYLOAD_TOO_LARGE',
    'SERVICE_UNAVAILABLE',
  )
  @Patch('me')
  async updateMe(@CurrentSession() session: AuthContext, @Body() body: UpdateProfileRequest): Promise<UserResponse> {
    return toUserResponse(await this.users.updateProfile(session, body));
  }
}
