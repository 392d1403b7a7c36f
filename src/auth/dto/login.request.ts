import { Equals, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsAccountEmail } from '../../common/validation/account-email.decorator';
import { IsPresentedPassword } from '../../common/validation/password.decorator';

/** `POST /auth/token` as JSON. */
export class LoginRequest {
  @IsAccountEmail()
  email!: string;

  @IsPresentedPassword()
  password!: string;
}

/**
 * `POST /auth/token` as an OAuth 2.0 password grant form (RFC 6749 §4.3), as
 * OAuth clients and Swagger UI send it. There is no client registration:
 * `scope`, `client_id` and `client_secret` are accepted and ignored.
 */
export class PasswordGrantForm {
  @IsOptional()
  @Equals('password', { message: 'grant_type must be "password"' })
  grant_type?: string;

  @IsAccountEmail()
  username!: string;

  @IsPresentedPassword()
  password!: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  client_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  client_secret?: string;
}

export interface LoginCredentials {
  email: string;
  password: string;
}
