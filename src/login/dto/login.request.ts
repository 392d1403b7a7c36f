import { Equals, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EMAIL_MAX_LENGTH, IsAccountEmail } from '../../common/validation/account-email.decorator';
import { IsPresentedPassword } from '../../common/validation/password.decorator';

/** `POST /auth/token` as JSON. */
export class LoginRequest {
  @ApiProperty({ format: 'email', maxLength: EMAIL_MAX_LENGTH, example: 'ada@example.com' })
  @IsAccountEmail()
  email!: string;

  @ApiProperty({ format: 'password', example: 'correct horse battery staple' })
  @IsPresentedPassword()
  password!: string;
}

/**
 * `POST /auth/token` as an OAuth 2.0 password grant form (RFC 6749 §4.3), as
 * OAuth clients and Swagger UI send it. There is no client registration:
 * `scope`, `client_id` and `client_secret` are accepted and ignored.
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

  @ApiPropertyOptional({ description: 'Ignored' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @ApiPropertyOptional({ description: 'Ignored: there is no client registration' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Ignored' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  client_secret?: string;
}

export interface LoginCredentials {
  email: string;
  password: string;
}
