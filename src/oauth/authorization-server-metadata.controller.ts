import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth';
import { OFFLINE_ACCESS, ScopeRegistry } from '../auth/internal';
import { httpConfig, HttpConfig } from '../config/app.config';
import { AuthorizationServerMetadataResponse } from './dto/authorization-server-metadata.response';

/** RFC 8414: what OAuth client libraries discover before they call anything. */
@ApiTags('OAuth 2.0')
@Controller('.well-known')
export class AuthorizationServerMetadataController {
  constructor(
    private readonly scopes: ScopeRegistry,
    @Inject(httpConfig.KEY) private readonly http: HttpConfig,
  ) {}

  @ApiOperation({ summary: 'OAuth 2.0 authorization server metadata (RFC 8414), with PUBLIC_URL as issuer' })
  @ApiOkResponse({ type: AuthorizationServerMetadataResponse })
  @Public()
  @Get('oauth-authorization-server')
  metadata(): AuthorizationServerMetadataResponse {
    const issuer = this.http.publicUrl;
    return {
      issuer,
      token_endpoint: `${issuer}/auth/token`,
      revocation_endpoint: `${issuer}/auth/revoke`,
      introspection_endpoint: `${issuer}/auth/introspect`,
      grant_types_supported: ['password', 'refresh_token'],
      scopes_supported: [...this.scopes.all().keys(), OFFLINE_ACCESS],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    };
  }
}
