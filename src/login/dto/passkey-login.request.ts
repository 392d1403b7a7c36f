import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { IsWebAuthnResponse } from '../../common/validation/webauthn-response.decorator';
import { SCOPE_DESCRIPTION } from './login.request';

/** A login with a passkey: the browser's assertion, and the scopes the token is narrowed to, as on the other logins. */
export class PasskeyLoginRequest {
  @IsWebAuthnResponse('AuthenticationResponseJSON', 'startAuthentication()')
  response!: unknown;

  @ApiPropertyOptional({ description: SCOPE_DESCRIPTION, example: 'account' })
  @IsOptional()
  @IsString()
  scope?: string;
}
