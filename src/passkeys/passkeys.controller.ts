import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { AddsCredential, ApiErrors, AuthContext, CurrentSession, RequireScopes } from '../auth';
import { PasskeyErrors, PasskeysService } from '../auth/internal';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { RowIdPipe } from '../common/http/row-id.pipe';
import { PasskeyResponse, toPasskeyResponse } from './dto/passkey.response';
import { RegisterPasskeyRequest } from './dto/register-passkey.request';
import { RegistrationOptionsRequest } from './dto/registration-options.request';

const OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  description: 'PublicKeyCredentialCreationOptionsJSON: pass it to startRegistration() of @simplewebauthn/browser',
} as const;

@ApiTags('Passkeys')
@Controller('auth/passkeys')
export class PasskeysController {
  constructor(private readonly passkeys: PasskeysService) {}

  @ApiOperation({
    summary: 'Start adding a passkey: options for the browser (current password required, and a code when MFA is on)',
    description:
      'A discoverable credential with user verification, the user’s passkeys excluded. ' +
      'Its challenge works once, for 5 minutes; a new call replaces it.',
  })
  @ApiOkResponse({ schema: OPTIONS_SCHEMA })
  @ApiErrors(
    'VALIDATION_FAILED',
    'INVALID_CURRENT_PASSWORD',
    'INVALID_MFA_CODE',
    'TOO_MANY_REQUESTS',
    'UNSUPPORTED_MEDIA_TYPE',
    'PAYLOAD_TOO_LARGE',
    'SERVICE_UNAVAILABLE',
  )
  @RequireScopes('account')
  @AddsCredential({ sessionTokenOnly: true })
  @Post('registration-options')
  @HttpCode(HttpStatus.OK)
  registrationOptions(
    @CurrentSession() session: AuthContext,
    @Body() body: RegistrationOptionsRequest,
    @Client() client: RequestClient,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.passkeys.registrationOptions(session, body.currentPassword, body.code, client);
  }

  @ApiOperation({
    summary: 'Add the passkey the browser made for those options',
    description: 'A notice is mailed to the account’s address. The passkey then logs in alone, second factor included.',
  })
  @ApiCreatedResponse({ type: PasskeyResponse })
  @ApiErrors('VALIDATION_FAILED', 'PASSKEY_INVALID', PasskeyErrors.PASSKEY_LIMIT_REACHED, 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE')
  @RequireScopes('account')
  @AddsCredential({ sessionTokenOnly: true })
  @Post()
  async register(
    @CurrentSession() session: AuthContext,
    @Body() body: RegisterPasskeyRequest,
    @Client() client: RequestClient,
  ): Promise<PasskeyResponse> {
    return toPasskeyResponse(await this.passkeys.register(session, body.response, body.name, client));
  }

  @ApiOperation({ summary: "The caller's passkeys, oldest first" })
  @ApiOkResponse({ type: [PasskeyResponse] })
  @Get()
  async list(@CurrentSession() session: AuthContext): Promise<PasskeyResponse[]> {
    return (await this.passkeys.list(session.user.id)).map(toPasskeyResponse);
  }

  @ApiOperation({ summary: 'Remove one of the caller’s passkeys', description: 'A notice is mailed to the account’s address.' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND')
  @RequireScopes('account')
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(
    @CurrentSession() session: AuthContext,
    @Param('id', new RowIdPipe('No such passkey')) id: number,
    @Client() client: RequestClient,
  ): Promise<void> {
    await this.passkeys.remove(session.user, id, client);
  }
}
