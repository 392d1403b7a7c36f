import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiSeeOtherResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors, Public } from '../auth';
import { SessionCookies, TokenResponse, toTokenResponse } from '../auth/internal';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { identityProvidersConfig, IdentityProvidersConfig } from '../config/app.config';
import { AuthorizeQuery } from './dto/authorize.query';
import { IdentityProviderResponse } from './dto/identity-provider.response';
import { ProviderTokenRequest } from './dto/provider-token.request';
import { ProviderSignInService } from './provider-sign-in.service';

/** Sign-in with external identity providers (OpenID Connect, GitHub): the providers, and the flow through them. */
@ApiTags('Identity providers')
@Controller('auth/providers')
export class IdentityProvidersController {
  private readonly listed: IdentityProviderResponse[];

  constructor(
    private readonly signIn: ProviderSignInService,
    private readonly sessionCookies: SessionCookies,
    @Inject(identityProvidersConfig.KEY) config: IdentityProvidersConfig,
  ) {
    this.listed = config.providers.map(({ id, name }) => ({ id, name }));
  }

  @ApiOperation({ summary: 'The identity providers a person may sign in with, in the order of IDENTITY_PROVIDERS' })
  @ApiOkResponse({ type: [IdentityProviderResponse] })
  @Public()
  @Get()
  list(): IdentityProviderResponse[] {
    return this.listed;
  }

  @ApiOperation({
    summary: 'Start a sign-in through the provider: a redirect to its authorization page',
    description:
      'The authorization code flow with PKCE S256, state and (OpenID Connect) nonce, kept server-side for 10 minutes and bound to this ' +
      'browser by an HttpOnly cookie. mode=token needs the app’s codeChallenge, and ends with a one-time #code for POST /auth/providers/token. ' +
      'Counted per client (PROVIDER_FLOWS_PER_CLIENT a minute).',
  })
  @ApiFoundResponse({ description: 'To the provider', headers: { Location: { description: 'The provider’s authorization URL' } } })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_LINK', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE')
  @Public()
  @Get(':id/authorize')
  async authorize(
    @Param('id') id: string,
    @Query() query: AuthorizeQuery,
    @Client() client: RequestClient,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    response.redirect(HttpStatus.FOUND, await this.signIn.authorize(id, query, client, response));
  }

  @ApiOperation({
    summary: 'Where the provider sends the browser back: a redirect to the flow’s redirectTo',
    description:
      'Cookie mode: with the session and CSRF cookies set. Token mode: with #code=<one-time code>. A user with MFA on: with ' +
      '#mfaToken=<t>&expiresIn=<s> (finish at POST /auth/mfa/verify). A linking flow: with #linked=<provider id>. Any failure: with ' +
      '#error=<ACCESS_DENIED|PROVIDER_FAILED|ACCOUNT_EXISTS|IDENTITY_TAKEN|EMAIL_NOT_VERIFIED|INVALID_CREDENTIALS|TOO_MANY_REQUESTS>.',
  })
  @ApiSeeOtherResponse({ description: 'To the flow’s redirectTo, with the outcome in the fragment' })
  @ApiErrors('INVALID_STATE', 'TOO_MANY_REQUESTS')
  @Public()
  @Get(':id/callback')
  async callback(
    @Param('id') id: string,
    @Client() client: RequestClient,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const outcome = await this.signIn.callback(id, request, response, client);
    if (outcome.session) this.sessionCookies.write(response, outcome.session);
    response.redirect(HttpStatus.SEE_OTHER, outcome.location);
  }

  @ApiOperation({
    summary: 'Exchange the one-time #code of a token-mode sign-in for an access token',
    description: 'The code works once, within 60 seconds, with the verifier of the app that started the flow.',
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_GRANT', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'TOO_MANY_REQUESTS')
  @Public()
  @Post('token')
  @HttpCode(HttpStatus.OK)
  async token(@Body() body: ProviderTokenRequest, @Client() client: RequestClient): Promise<TokenResponse> {
    return toTokenResponse(await this.signIn.exchange(body.code, body.codeVerifier, client), false);
  }
}
