import { Equals, IsOptional, IsString } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EMAIL_MAX_LENGTH, IsAccountEmail } from '../../common/validation/account-email.decorator';
import { IsPresentedPassword } from '../../common/validation/password.decorator';
import { MaxCodePoints } from '../../common/validation/text-length.decorator';

// No length limit here: a scope parameter of any length, or of junk, is INVALID_SCOPE (docs/bad-inputs.md row 35).
export const SCOPE_DESCRIPTION = 'Space-separated scopes to narrow the token to (RFC 6749 §3.3); none: every scope the account may have';

/** `POST /auth/token` as JSON. */
export class LoginRequest {
  @ApiProperty({ format: 'email', maxLength: EMAIL_MAX_LENGTH, example: 'ada@example.com' })
  @IsAccountEmail()
  email!: string;

  @ApiProperty({ format: 'password', example: 'correct horse battery staple' })
  @IsPresentedPassword()
  password!: string;

  @ApiPropertyOptional({ description: SCOPE_DESCRIPTION, example: 'account' })
  @IsOptional()
  @IsString()
  scope?: string;
}

/**
 * `POST /auth/token` as an OAuth 2.0 password grant form (RFC 6749 §4.3), as
 * OAuth clients and Swagger UI send it. There is no client registration:
 * `client_id` and `client_secret` are accepted and ignored.
 */
export class PasswordGrantForm {
  @ApiPropertyOptional({ enum: ['password'] })
  @IsOptional()
  @Equals('password', { message: 'grant_type must be "password"' })
  grant_type?: string;

  @ApiProperty({ format: 'email', maxLength: EMAIL_MAX_LENGTH, description: 'The account email' })
  @IsAccountEmail()
  username!: string;

  @ApiProperty({ format: 'password' })
  @IsPresentedPassword()
  password!: string;

  @ApiPropertyOptional({ description: SCOPE_DESCRIPTION })
  @IsOptional()
  @IsString()
  scope?: string;

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

export interface LoginCredentials {
  email: string;
  password: string;
  scope?: string;
}
