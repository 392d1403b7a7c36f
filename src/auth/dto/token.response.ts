import { IssuedAccessToken } from '../tokens/access-token.service';

/** RFC 6749 §5.1 access token response. */
export class TokenResponse {
  access_token!: string;
  token_type!: 'bearer';
  expires_in!: number;
}

export function toTokenResponse(issued: IssuedAccessToken): TokenResponse {
  return { access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresInSeconds };
}
