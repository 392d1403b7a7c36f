import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Equals, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { MaxCodePoints } from '../../common/validation/text-length.decorator';
import { PasswordGrantForm } from './login.request';

/** Longer than any refresh token: a 10 KB one is refused as malformed before anything looks it up. */
const TOKEN_MAX_LENGTH = 200;

/** `POST /auth/token` with the refresh token grant (RFC 6749 §6), as OAuth clients send it, with the same ignored client fields as the password grant. */
export class RefreshTokenGrantForm extends PickType(PasswordGrantForm, ['client_id', 'client_secret'] as const) {
  @ApiProperty({ enum: ['refresh_token'] })
  @Equals('refresh_token')
  grant_type!: 'refresh_token';

  @ApiProperty({ description: 'The refresh token of the last token response; it works once' })
  @IsString()
  @IsNotEmpty()
  @MaxCodePoints(TOKEN_MAX_LENGTH)
  refresh_token!: string;

  @ApiPropertyOptional({ description: 'Space-separated: the session’s scopes or fewer (none: the same ones)' })
  @IsOptional()
  @IsString()
  scope?: string;
}
