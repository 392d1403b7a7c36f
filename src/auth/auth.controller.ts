import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { toUserResponse, UserResponse } from '../users/dto/user.response';
import { AuthContext } from './authenticated-user';
import { AuthService } from './auth.service';
import { CurrentSession } from './decorators/current-session.decorator';
import { LoginCredentialsBody } from './decorators/login-credentials.decorator';
import { Public } from './decorators/public.decorator';
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
  ) {}

  @Public()
  @Post('register')
  async register(@Body() body: RegisterRequest): Promise<UserResponse> {
    return toUserResponse(await this.auth.register(body.email, body.password));
  }

  @Public()
  @Post('token')
  @HttpCode(HttpStatus.OK)
  async token(@LoginCredentialsBody() credentials: LoginCredentials): Promise<TokenResponse> {
    return toTokenResponse(await this.auth.login(credentials));
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
