import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AddsCredential, ApiErrors, AuthContext, CurrentSession, Public, RequireScopes } from '../auth';
import {
  AccessTokenAuthenticator,
  AccessTokenRevoker,
  PersonalTokensService,
  SecurityEventLog,
  SessionCookies,
  TrustedOriginGuard,
  TokenResponse,
  toTokenResponse,
} from '../auth/internal';
import { CreatePersonalTokenRequest } from './dto/create-personal-token.request';
import { PersonalTokenResponse, toPersonalTokenResponse } from './dto/personal-token.response';
import { CsrfTokenResponse } from './dto/csrf-token.response';
import { MfaVerifyRequest } from './dto/mfa-verify.request';
import { AccessTokenSummaryResponse, toAccessTokenSummaryResponse } from './dto/access-token-summary.response';
import { LoginCredentials, LoginRequest, PasswordGrantForm } from './dto/login.request';

import { LoginCredentialsBody, TokenRequestBody } from './login-credentials.decorator';
import { TokenRequest } from './token-request.pipe';
import { RefreshTokenGrantForm } from './dto/refresh-token-grant.request';
import { LoginService } from './login.service';
import { RowIdPipe } from '../common/http/row-id.pipe';
import { Client, RequestClient } from '../common/http/request-client.decorator';

/** Both bodies `POST /auth/token` and the cookie login take: the custom parameter decorator hides them from Swagger. */
const LOGIN_BODY = {
  required: true,
  content: {
    'application/x-www-form-urlencoded': { schema: { $ref: getSchemaPath(PasswordGrantForm) } },
    'application/json': { schema: { $ref: getSchemaPath(LoginRequest) } },
  },
};
const DEFAULT_PERSONAL_TOKEN_DAYS = 30;

const LOGIN_ERRORS = [
  'VALIDATION_FAILED',
  'INVALID_CREDENTIALS',
  'EMAIL_NOT_VERIFIED',
  'MFA_REQUIRED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
] as const;

@ApiTags('Auth')
@ApiExtraModels(LoginRequest, PasswordGrantForm, RefreshTokenGrantForm)
@Controller('auth')
export class LoginController {
  constructor(
    private readonly login: LoginService,
    private readonly authenticator: AccessTokenAuthenticator,
    private readonly revoker: AccessTokenRevoker,
    private readonly sessionCookies: SessionCookies,
    private readonly trustedOrigins: TrustedOriginGuard,
    private readonly personalTokens: PersonalTokensService,
    private readonly events: SecurityEventLog,
  ) {}

  @ApiOperation({
    summary: 'Log in: an access token for an email and password; or a refresh',
    description:
      'The OAuth 2.0 password grant (a form with username and password), or JSON with email and password. ' +
      'For a user with MFA on, the right password answers 403 MFA_REQUIRED with an mfaToken: finish with POST /auth/mfa/verify. ' +
      'With offline_access among the scopes, the answer adds a refresh token; grant_type=refresh_token exchanges it once for a new pair. ' +
      'Errors of 400 and 401 carry RFC 6749 error and error_description too.',
    requestBody: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: { oneOf: [{ $ref: getSchemaPath(PasswordGrantForm) }, { $ref: getSchemaPath(RefreshTokenGrantForm) }] },
        },
        'application/json': { schema: { $ref: getSchemaPath(LoginRequest) } },
      },
    },
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors(...LOGIN_ERRORS, 'INVALID_GRANT', 'UNSUPPORTED_GRANT_TYPE')
  @Public()
  @Post('token')
  @HttpCode(HttpStatus.OK)
  async token(@TokenRequestBody() request: TokenRequest, @Client() client: RequestClient): Promise<TokenResponse> {
    const { issued, narrowed } =
      request.grant === 'password'
        ? await this.login.login(request.credentials, client, 'bearer')
        : await this.login.refresh(request.refresh.refreshToken, request.refresh.scope, client);
    return toTokenResponse(issued, narrowed);
  }

  /** The browser login: the token goes into an HttpOnly cookie, never into the page's reach. */
  @ApiOperation({
    summary: 'Log in a browser: the session goes into an HttpOnly cookie',
    description:
      'Sets the session and CSRF cookies, and returns the CSRF token in X-CSRF-Token. Refused for an untrusted Origin. ' +
      'For a user with MFA on, the right password answers 403 MFA_REQUIRED: finish with POST /auth/mfa/verify.',
    requestBody: LOGIN_BODY,
  })
  @ApiNoContentResponse({ description: 'Logged in', headers: { 'X-CSRF-Token': { description: 'Echo it on every write' } } })
  @ApiErrors(...LOGIN_ERRORS, 'CSRF_FAILED')
  @Public()
  @UseGuards(TrustedOriginGuard)
  @Post('cookie/login')
  @HttpCode(HttpStatus.NO_CONTENT)
  async cookieLogin(
    @LoginCredentialsBody() credentials: LoginCredentials,
    @Client() client: RequestClient,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    this.sessionCookies.write(response, (await this.login.login(credentials, client, 'cookie')).issued);
  }

  @ApiOperation({
    summary: 'Finish a login that answered MFA_REQUIRED, with a code of the second factor',
    description:
      'A 6-digit authenticator code or a recovery code. Answers as the login that started it would have: ' +
      'the token response for POST /auth/token, the cookies (204, origin rules of the cookie login) for POST /auth/cookie/login. ' +
      'The mfaToken works once, for 5 minutes, and dies after 5 wrong codes.',
  })
  @ApiOkResponse({ type: TokenResponse, description: 'Logged in (the login started at POST /auth/token)' })
  @ApiNoContentResponse({
    description: 'Logged in (the login started at POST /auth/cookie/login): session and CSRF cookies set',
    headers: { 'X-CSRF-Token': { description: 'Echo it on every write' } },
  })
  @ApiErrors(
    'VALIDATION_FAILED',
    'INVALID_GRANT',
    'INVALID_MFA_CODE',
    'MFA_CHALLENGE_EXPIRED',
    'CSRF_FAILED',
    'UNSUPPORTED_MEDIA_TYPE',
    'PAYLOAD_TOO_LARGE',
    'TOO_MANY_REQUESTS',
    'SERVICE_UNAVAILABLE',
  )
  @Public()
  @Post('mfa/verify')
  @HttpCode(HttpStatus.OK)
  async verifySecondFactor(
    @Body() body: MfaVerifyRequest,
    @Client() client: RequestClient,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenResponse | undefined> {
    const { transport, issued, narrowed } = await this.login.finishWithSecondFactor(body, client, (loginTransport) => {
      if (loginTransport === 'cookie') this.trustedOrigins.assertTrusted(request);
    });
    if (transport === 'bearer') return toTokenResponse(issued, narrowed);
    this.sessionCookies.write(response, issued);
    response.status(HttpStatus.NO_CONTENT);
    return undefined;
  }

  @ApiOperation({ summary: 'The CSRF token of the cookie session, again (after a page reload)' })
  @ApiOkResponse({ type: CsrfTokenResponse })
  @Get('cookie/csrf')
  csrfToken(
    @CurrentSession() session: AuthContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): CsrfTokenResponse {
    return { csrfToken: this.sessionCookies.csrfTokenFor(request, response, session.tokenId) };
  }

  @ApiOperation({ summary: 'Log out a browser: revokes the token and expires both cookies' })
  @ApiNoContentResponse({ description: 'Logged out' })
  @Post('cookie/logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async cookieLogout(
    @CurrentSession() session: AuthContext,
    @Client() client: RequestClient,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.login.logout(session.user.id, session.tokenId, client);
    this.sessionCookies.clear(response);
  }

  @ApiOperation({ summary: 'Revoke the token of this request' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@CurrentSession() session: AuthContext, @Client() client: RequestClient): Promise<void> {
    await this.login.logout(session.user.id, session.tokenId, client);
  }

  @ApiOperation({ summary: "The caller's live tokens (sessions and personal), most recently used first" })
  @ApiOkResponse({ type: [AccessTokenSummaryResponse] })
  @Get('tokens')
  async listTokens(@CurrentSession() session: AuthContext): Promise<AccessTokenSummaryResponse[]> {
    const summaries = await this.authenticator.list(session.user.id, session.tokenId);
    return summaries.map(toAccessTokenSummaryResponse);
  }

  @ApiOperation({
    summary: 'Make a personal access token, for a script or CI',
    description:
      'Its scopes are within those of the calling token; it is not evicted by the sessions’ cap and has no idle timeout. ' +
      'The token is shown in this answer only. A personal token cannot make another.',
  })
  @ApiCreatedResponse({ type: PersonalTokenResponse })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_SCOPE', 'FORBIDDEN', 'TOKEN_LIMIT_REACHED', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE')
  @RequireScopes('account')
  @AddsCredential()
  @Post('tokens')
  async createPersonalToken(
    @CurrentSession() session: AuthContext,
    @Body() body: CreatePersonalTokenRequest,
    @Client() client: RequestClient,
  ): Promise<PersonalTokenResponse> {
    const issued = await this.personalTokens.create(session, {
      name: body.name,
      scopes: body.scopes,
      expiresInDays: body.expiresInDays ?? DEFAULT_PERSONAL_TOKEN_DAYS,
    });
    this.events.record('token.created', session.user.id, { client }, { tokenId: issued.id, kind: 'personal' });
    return toPersonalTokenResponse(issued);
  }

  @ApiOperation({ summary: "Revoke one of the caller's tokens" })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND')
  @RequireScopes('account')
  @Delete('tokens/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeToken(
    @CurrentSession() session: AuthContext,
    @Param('id', new RowIdPipe('No such token')) id: number,
    @Client() client: RequestClient,
  ): Promise<void> {
    await this.revoker.revokeOwned(session.user.id, id);
    this.events.record('token.revoked', session.user.id, { client }, { tokenId: id });
  }

  @ApiOperation({ summary: 'Revoke every token of the caller but this one' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @RequireScopes('account')
  @Delete('tokens')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeOtherTokens(@CurrentSession() session: AuthContext, @Client() client: RequestClient): Promise<void> {
    await this.revoker.revokeAllExcept(session.user.id, session.tokenId);
    this.events.record('token.revoked', session.user.id, { client });
  }
}
