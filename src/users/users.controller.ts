import { Body, Controller, Get, Patch } from '@nestjs/common';
import { AuthContext, AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentSession } from '../auth/decorators/current-session.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { UpdateProfileRequest } from './dto/update-profile.request';
import { toUserResponse, UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): UserResponse {
    return toUserResponse(user);
  }

  @Patch('me')
  async updateMe(@CurrentSession() session: AuthContext, @Body() body: UpdateProfileRequest): Promise<UserResponse> {
    return toUserResponse(await this.users.updateProfile(session, body));
  }
}
