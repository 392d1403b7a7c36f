import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { ApiErrors, Public } from '../auth';
import { PasswordResetConfirmRequest } from './dto/password-reset-confirm.request';
import { PasswordResetRequest } from './dto/password-reset.request';
import { PasswordResetService } from './password-reset.service';

@ApiTags('Auth')
@Controller('auth/password-reset')
export class PasswordResetController {
  constructor(private readonly recovery: PasswordResetService) {}

  @ApiOperation({
    summary: 'Ask for a password-reset link',
    description: 'The same answer for every address, whether or not it is an account’s; only an active account is mailed.',
  })
  @ApiAcceptedResponse({ description: 'If the address is an account’s, a link is on its way' })
  @ApiErrors('VALIDATION_FAILED', 'TOO_MANY_REQUESTS', 'UNSUPPORTED_MEDIA_TYPE', 'SERVICE_UNAVAILABLE')
  @Public()
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async request(@Body() body: PasswordResetRequest, @Client() client: RequestClient): Promise<void> {
    await this.recovery.requestReset(body.email, client);
  }

  @ApiOperation({ summary: 'Set a new password with the token of the reset link: every session of the user ends' })
  @ApiNoContentResponse({ description: 'The password is set; a notice is mailed' })
  @ApiErrors('INVALID_LINK', 'VALIDATION_FAILED', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE')
  @Public()
  @Post('confirm')
  @HttpCode(HttpStatus.NO_CONTENT)
  async confirm(@Body() body: PasswordResetConfirmRequest, @Client() client: RequestClient): Promise<void> {
    await this.recovery.confirmReset(body.token, body.password, client);
  }
}
