import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { MaxCodePoints } from '../../common/validation/text-length.decorator';

/** Longer than any token of ours: a 10 KB one is a malformed request, not a token to look up. */
export const PRESENTED_TOKEN_MAX_LENGTH = 200;

/** A token sent to `/auth/revoke` or `/auth/introspect` (RFC 7009 §2.1, RFC 7662 §2.1), as a form. */
export class PresentedTokenForm {
  @ApiProperty({ description: 'An access token or a refresh token' })
  @IsString()
  @IsNotEmpty()
  @MaxCodePoints(PRESENTED_TOKEN_MAX_LENGTH)
  token!: string;

  @ApiPropertyOptional({
    enum: ['access_token', 'refresh_token'],
    description: 'A hint only: each token’s prefix tells its kind',
  })
  @IsOptional()
  @IsString()
  @MaxCodePoints(100)
  token_type_hint?: string;

  @ApiPropertyOptional({ description: 'Ignored: there is no client registration' })
  @IsOptional()
  @IsString()
  @MaxCodePoints(1000)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Ignored' })
  @IsOptional()
  @IsString()
  @MaxCodePoints(1000)
  client_secret?: string;
}
