import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { ApiErrors, AuthenticatedUser, CurrentUser, Public } from '../auth';
import { toUserResponse, UserResponse } from '../users/dto/user.response';
import { LinkTokenRequest } from './dto/link-token.request';
import { RegisterRequest } from './dto/register.request';
import { RegistrationService } from './registration.service';

@ApiTags('Auth')
@Controller('auth')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @ApiOperation({ summary: 'Create an account; a verification link is mailed to its address' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrors('VALIDATION_FAILED', 'EMAIL_TAKEN', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE')
  @Public()
  @Post('register')
  async register(@Body() body: RegisterRequest, @Client() client: RequestClient): Promise<UserResponse> {
    return toUserResponse(await this.registration.register(body.email, body.password, client));
  }

  @ApiOperation({ summary: 'Mail a new verification link to the caller’s address (3 an hour at most)' })
  @ApiAcceptedResponse({ description: 'A link is on its way' })
  @ApiErrors('EMAIL_ALREADY_VERIFIED', 'TOO_MANY_REQUESTS')
  @Post('email-verification')
  @HttpCode(HttpStatus.ACCEPTED)
  async resendVerification(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.registration.resendVerification(user);
  }

  @ApiOperation({ summary: 'Confirm an email address with the token of the link mailed to it' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors('INVALID_LINK', 'VALIDATION_FAILED', 'TOO_MANY_REQUESTS')
  @Public()
  @Post('email-verification/confirm')
  @HttpCode(HttpStatus.OK)
  async confirmVerification(@Body() body: LinkTokenRequest, @Client() client: RequestClient): Promise<UserResponse> {
    return toUserResponse(await this.registration.confirmVerification(body.token, client));
  }
}
