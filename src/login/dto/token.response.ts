import { ApiProperty } from '@nestjs/swagger';
import { IssuedAccessToken } from '../../auth/tokens/access-token.service';

/** RFC 6749 §5.1 access token response. */
export class TokenResponse {
  @ApiProperty({ description: 'Opaque: send it as Authorization: Bearer <access_token>' })
  access_token!: string;
  @ApiProperty({ enum: ['bearer'] })
  token_type!: 'bearer';
  @ApiProperty({ description: 'Seconds until the token expires', example: 86400 })
  expires_in!: number;
}

export function toTokenResponse(issued: IssuedAccessToken): TokenResponse {
  return { access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresInSeconds };
}
