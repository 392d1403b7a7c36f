import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Ip, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toUserResponse, UserResponse } from '../users/dto/user.response';
import { AuthContext } from './authenticated-user';
import { AuthService } from './auth.service';
import { SessionCookies } from './cookies/session-cookies';
import { TrustedOriginGuard } from './cookies/trusted-origin.guard';
import { CurrentSession } from './decorators/current-session.decorator';
import { LoginCredentialsBody } from './decorators/login-credentials.decorator';
import { Public } from './decorators/public.decorator';
import { CsrfTokenResponse } from './dto/csrf-token.response';
import { AccessTokenSummaryResponse, toAccessTokenSummaryResponse } from './dto/access-token-summary.response';
import { LoginCredentials } from './dto/login.request';
import { RegisterRequest } from './dto/register.request';
import { TokenResponse, toTokenResponse } from './dto/token.response';
import { TokenIdPipe } from './token-id.pipe';
import { AccessTokenService } from './tokens/access-token.service';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: AccessTokenService,
    private readonly sessionCookies: SessionCookies,
  ) {}

  @Public()
  @Post('register')
  async register(@Body() body: RegisterRequest, @Ip() clientAddress: string): Promise<UserResponse> {
    return toUserResponse(await this.auth.register(body.email, body.password, clientAddress));
  }

  @Public()
  @Post('token')
  @HttpCode(HttpStatus.OK)
  async token(@LoginCredentialsBody() credentials: LoginCredentials, @Ip() clientAddress: string): Promise<TokenResponse> {
    return toTokenResponse(await this.auth.login(credentials, clientAddress));
  }

  /** The browser login: the token goes into an HttpOnly cookie, never into the page's reach. */
  @Public()
  @UseGuards(TrustedOriginGuard)
  @Post('cookie/login')
  @HttpCode(HttpStatus.NO_CONTENT)
  async cookieLogin(
    @LoginCredentialsBody() credentials: LoginCredentials,
    @Ip() clientAddress: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    this.sessionCookies.write(response, await this.auth.login(credentials, clientAddress));
  }

  @Get('cookie/csrf')
  csrfToken(
    @CurrentSession() session: AuthContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): CsrfTokenResponse {
    return { csrfToken: this.sessionCookies.csrfTokenFor(request, response, session.tokenId) };
  }

  @Post('cookie/logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async cookieLogout(@CurrentSession() session: AuthContext, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(session.user.id, session.tokenId);
    this.sessionCookies.clear(response);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@CurrentSession() session: AuthContext): Promise<void> {
    await this.auth.logout(session.user.id, session.tokenId);
  }

  @Get('tokens')
  async listTokens(@CurrentSession() session: AuthContext): Promise<AccessTokenSummaryResponse[]> {
    const summaries = await this.tokens.list(session.user.id, session.tokenId);
    return summaries.map(toAccessTokenSummaryResponse);
  }

  @Delete('tokens/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeToken(@CurrentSession() session: AuthContext, @Param('id', TokenIdPipe) id: number): Promise<void> {
    await this.tokens.revokeOwned(session.user.id, id);
  }

  @Delete('tokens')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeOtherTokens(@CurrentSession() session: AuthContext): Promise<void> {
    await this.tokens.revokeAllExcept(session.user.id, session.tokenId);
  }
}
