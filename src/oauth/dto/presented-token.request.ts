import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Longest text each field takes: any token of ours is shorter, and a 10 KB one is a malformed request, not a token to look up. */
export const PRESENTED_TOKEN_FIELDS = { token: 200, token_type_hint: 100, client_id: 1000, client_secret: 1000 } as const;

/**
 * A token sent to `/auth/revoke` or `/auth/introspect` (RFC 7009 §2.1, RFC
 * 7662 §2.1), as a form: the document of the body PresentedTokenPipe checks.
 */
export class PresentedTokenRequest {
  @ApiProperty({ description: 'An access token or a refresh token', maxLength: PRESENTED_TOKEN_FIELDS.token })
  token!: string;

  @ApiPropertyOptional({
    enum: ['access_token', 'refresh_token'],
    description: 'A hint only: each token’s prefix tells its kind',
  })
  token_type_hint?: string;

  @ApiPropertyOptional({ description: 'Ignored: there is no client registration', maxLength: PRESENTED_TOKEN_FIELDS.client_id })
  client_id?: string;

  @ApiPropertyOptional({ description: 'Ignored', maxLength: PRESENTED_TOKEN_FIELDS.client_secret })
  client_secret?: string;
}
