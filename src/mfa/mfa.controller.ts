import { Body, Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AddsCredential, ApiErrors, AuthContext, CurrentSession, RequireScopes } from '../auth';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { ConfirmEnrolmentRequest } from './dto/confirm-enrolment.request';
import { PasswordAndCodeRequest } from './dto/password-and-code.request';
import { RecoveryCodesResponse } from './dto/recovery-codes.response';
import { StartEnrolmentRequest } from './dto/start-enrolment.request';
import { TotpEnrolmentResponse } from './dto/totp-enrolment.response';
import { MfaService } from './mfa.service';

const BODY_ERRORS = [
  'VALIDATION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
] as const;

@ApiTags('Two-factor authentication')
@RequireScopes('account')
@Controller('auth/mfa')
export class MfaController {
  constructor(private readonly twoFactor: MfaService) {}

  @ApiOperation({
    summary: 'Start a TOTP enrolment: a new secret for the authenticator app (current password required)',
    description: 'Nothing changes for logins until POST /auth/mfa/totp/confirm. A new call replaces an unconfirmed secret.',
  })
  @ApiOkResponse({ type: TotpEnrolmentResponse })
  @ApiErrors(...BODY_ERRORS, 'INVALID_CURRENT_PASSWORD', 'MFA_ALREADY_ENABLED')
  @AddsCredential()
  @Post('totp')
  @HttpCode(HttpStatus.OK)
  startEnrolment(
    @CurrentSession() session: AuthContext,
    @Body() body: StartEnrolmentRequest,
    @Client() client: RequestClient,
  ): Promise<TotpEnrolmentResponse> {
    return this.twoFactor.startEnrolment(session, body.currentPassword, client);
  }

  @ApiOperation({
    summary: 'Turn MFA on with a first code of the new secret',
    description: 'Answers the ten recovery codes, this once, and ends every other session of the user.',
  })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiErrors(...BODY_ERRORS, 'INVALID_MFA_CODE', 'MFA_ALREADY_ENABLED', 'MFA_NOT_ENABLED')
  @AddsCredential()
  @Post('totp/confirm')
  @HttpCode(HttpStatus.OK)
  async confirmEnrolment(
    @CurrentSession() session: AuthContext,
    @Body() body: ConfirmEnrolmentRequest,
    @Client() client: RequestClient,
  ): Promise<RecoveryCodesResponse> {
    return { recoveryCodes: await this.twoFactor.confirmEnrolment(session, body.code, client) };
  }

  @ApiOperation({ summary: 'Turn MFA off (current password and a code required): the secret and recovery codes are deleted' })
  @ApiNoContentResponse({ description: 'MFA is off' })
  @ApiErrors(...BODY_ERRORS, 'INVALID_CURRENT_PASSWORD', 'INVALID_MFA_CODE', 'MFA_NOT_ENABLED')
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  async disable(
    @CurrentSession() session: AuthContext,
    @Body() body: PasswordAndCodeRequest,
    @Client() client: RequestClient,
  ): Promise<void> {
    await this.twoFactor.disable(session, body.currentPassword, body.code, client);
  }

  @ApiOperation({ summary: 'A new set of recovery codes (current password and a code required); the old set stops working' })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiErrors(...BODY_ERRORS, 'INVALID_CURRENT_PASSWORD', 'INVALID_MFA_CODE', 'MFA_NOT_ENABLED')
  @Post('recovery-codes')
  @HttpCode(HttpStatus.OK)
  async renewRecoveryCodes(
    @CurrentSession() session: AuthContext,
    @Body() body: PasswordAndCodeRequest,
    @Client() client: RequestClient,
  ): Promise<RecoveryCodesResponse> {
    return { recoveryCodes: await this.twoFactor.renewRecoveryCodes(session, body.currentPassword, body.code, client) };
  }
}
