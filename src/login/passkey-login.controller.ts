import { Body, Controller, HttpCode, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Response } from 'express';
import { ApiErrors, Public } from '../auth';
import { PasskeyAssertionsService, SessionCookies, TokenResponse, toTokenResponse, TrustedOriginGuard } from '../auth/internal';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { PasskeyLoginRequest } from './dto/passkey-login.request';
import { LoginService } from './login.service';

const PASSKEY_LOGIN_ERRORS = [
  'VALIDATION_FAILED',
  'INVALID_CREDENTIALS',
  'INVALID_SCOPE',
  'EMAIL_NOT_VERIFIED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
] as const;

const ASSERTION =
  'The AuthenticationResponseJSON of startAuthentication() for options of POST /auth/passkeys/authentication-options. ' +
  'A passkey is user-verified: no MFA step follows, whether or not the account has MFA on.';

@ApiTags('Passkeys')
@Controller('auth')
export class PasskeyLoginController {
  constructor(
    private readonly login: LoginService,
    private readonly assertions: PasskeyAssertionsService,
    private readonly sessionCookies: SessionCookies,
  ) {}

  @ApiOperation({
    summary: 'Start a login with a passkey: options for the browser',
    description:
      'For discoverable credentials: no email is asked, and none is told. Its challenge works once, for 5 minutes. ' +
      'Counted per client (PASSKEY_CHALLENGES_PER_CLIENT a minute).',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      additionalProperties: true,
      description: 'PublicKeyCredentialRequestOptionsJSON: pass it to startAuthentication() of @simplewebauthn/browser',
    },
  })
  @ApiErrors('TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE')
  @Public()
  @Post('passkeys/authentication-options')
  @HttpCode(HttpStatus.OK)
  authenticationOptions(@Client() client: RequestClient): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.assertions.options(client);
  }

  @ApiOperation({ summary: 'Log in with a passkey: an access token', description: ASSERTION })
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors(...PASSKEY_LOGIN_ERRORS)
  @Public()
  @Post('passkeys/authentication')
  @HttpCode(HttpStatus.OK)
  async authenticate(@Body() body: PasskeyLoginRequest, @Client() client: RequestClient): Promise<TokenResponse> {
    const { issued, narrowed } = await this.login.loginWithPasskey(body.response, body.scope, client, 'bearer');
    return toTokenResponse(issued, narrowed);
  }

  @ApiOperation({
    summary: 'Log in a browser with a passkey: the session goes into an HttpOnly cookie',
    description: `${ASSERTION} Sets the session and CSRF cookies, as POST /auth/cookie/login does; refused for an untrusted Origin.`,
  })
  @ApiNoContentResponse({ description: 'Logged in', headers: { 'X-CSRF-Token': { description: 'Echo it on every write' } } })
  @ApiErrors(...PASSKEY_LOGIN_ERRORS, 'CSRF_FAILED')
  @Public()
  @UseGuards(TrustedOriginGuard)
  @Post('cookie/passkey-login')
  @HttpCode(HttpStatus.NO_CONTENT)
  async cookieLogin(
    @Body() body: PasskeyLoginRequest,
    @Client() client: RequestClient,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    this.sessionCookies.write(response, (await this.login.loginWithPasskey(body.response, body.scope, client, 'cookie')).issued);
  }
}
