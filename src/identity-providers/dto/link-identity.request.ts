import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { MaxCodePoints } from '../../common/validation/text-length.decorator';
import { IsPresentedPassword } from '../../common/validation/password.decorator';
import { REDIRECT_TO_MAX_LENGTH } from './authorize.query';

/** Which provider to link the caller's identity at, and where the browser goes afterwards. */
export class LinkIdentityRequest {
  @ApiProperty({ description: 'A provider id of GET /auth/providers', example: 'google' })
  @IsString()
  @MaxCodePoints(32)
  provider!: string;

  @ApiPropertyOptional({ description: "An absolute URL on APP_URL's origin or one of CORS_ORIGINS; default APP_URL/" })
  @IsOptional()
  @IsString()
  @MaxCodePoints(REDIRECT_TO_MAX_LENGTH)
  redirectTo?: string;

  @ApiPropertyOptional({ format: 'password', description: 'The password, when the sign-in of this session is more than 10 minutes old' })
  @IsOptional()
  @IsPresentedPassword()
  currentPassword?: string;
}
