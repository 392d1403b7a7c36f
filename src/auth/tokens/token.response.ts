import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IssuedAccessToken } from './access-token.issuer';

/** RFC 6749 §5.1 access token response. */
export class TokenResponse {
  @ApiProperty({ description: 'Opaque: send it as Authorization: Bearer <access_token>' })
  access_token!: string;
  @ApiProperty({ enum: ['bearer'] })
  token_type!: 'bearer';
  @ApiProperty({ description: 'Seconds until the token expires', example: 86400 })
  expires_in!: number;
  @ApiPropertyOptional({
    description: 'The token’s scopes, space-separated: only when the login asked for particular ones',
    example: 'account',
  })
  scope?: string;
  @ApiPropertyOptional({
    description:
      'For a login that asked for offline_access, and after each refresh: works once, for the next pair (grant_type=refresh_token)',
  })
  refresh_token?: string;
}

/** RFC 6749 §5.1: `scope` is named when it may differ from what the client would assume, here when the login narrowed it. */
export function toTokenResponse(issued: IssuedAccessToken, narrowed: boolean): TokenResponse {
  const response: TokenResponse = { access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresInSeconds };
  if (narrowed) response.scope = issued.scopes.join(' ');
  if (issued.refreshToken !== undefined) response.refresh_token = issued.refreshToken;
  return response;
}
