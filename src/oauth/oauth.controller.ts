import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Public } from '../auth';
import { AccessTokenRevoker, IntrospectionClients, SecurityEventLog, TokenIntrospector } from '../auth/internal';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { IntrospectionResponse } from './dto/introspection.response';
import { PresentedTokenRequest } from './dto/presented-token.request';
import { PresentedToken, PresentedTokenPipe } from './presented-token.pipe';

/** The OAuth 2.0 endpoints beside the token endpoint: revocation (RFC 7009) and introspection (RFC 7662). */
@ApiTags('OAuth 2.0')
@Controller('auth')
export class OAuthController {
  constructor(
    private readonly revoker: AccessTokenRevoker,
    private readonly introspectionClients: IntrospectionClients,
    private readonly introspector: TokenIntrospector,
    private readonly events: SecurityEventLog,
  ) {}

  @ApiOperation({
    summary: 'Revoke a token: its whole session ends (RFC 7009)',
    description:
      'An access token or a refresh token, used or not: holding it is the proof, no other authentication is asked. ' +
      'The answer is the same 200 {} for a token known, unknown or already revoked.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: PresentedTokenRequest })
  @ApiOkResponse({ schema: { type: 'object', properties: {}, additionalProperties: false } })
  @ApiErrors('VALIDATION_FAILED', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE')
  @Public()
  @Post('revoke')
  @HttpCode(HttpStatus.OK)
  async revoke(@Body(PresentedTokenPipe) body: PresentedToken, @Client() client: RequestClient): Promise<Record<string, never>> {
    const revoked = await this.revoker.revokePresented(body.token, client.ip);
    if (revoked) this.events.record('token.revoked', revoked.userId, { client }, { tokenId: revoked.tokenId, via: 'revocation_endpoint' });
    return {};
  }

  @ApiOperation({
    summary: 'What a token stands for, for a resource server (RFC 7662)',
    description:
      'For the resource servers of INTROSPECTION_CLIENTS, with HTTP Basic (client_secret_basic). ' +
      'A live access token gets its user and scopes; anything else, refresh tokens included, { "active": false }.',
  })
  @ApiBasicAuth('introspection')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: PresentedTokenRequest })
  @ApiOkResponse({ type: IntrospectionResponse })
  @ApiErrors(
    'VALIDATION_FAILED',
    'UNAUTHENTICATED',
    'UNSUPPORTED_MEDIA_TYPE',
    'PAYLOAD_TOO_LARGE',
    'TOO_MANY_REQUESTS',
    'SERVICE_UNAVAILABLE',
  )
  @Public()
  @Post('introspect')
  @HttpCode(HttpStatus.OK)
  introspect(
    @Headers('authorization') authorization: string | undefined,
    @Body(PresentedTokenPipe) body: PresentedToken,
    @Client() client: RequestClient,
  ): Promise<IntrospectionResponse> {
    this.introspectionClients.authenticate(authorization, client.ip);
    return this.introspector.introspect(body.token);
  }
}
