import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsDisplayName } from '../../common/validation/display-name.decorator';
import { IsWebAuthnResponse } from '../../common/validation/webauthn-response.decorator';

export const PASSKEY_NAME_MAX_LENGTH = 100;

export class RegisterPasskeyRequest {
  @ApiPropertyOptional({
    description: 'How the user will recognise it in the list; none: the authenticator’s name (by its AAGUID), else "Passkey"',
    example: 'Work laptop',
    maxLength: PASSKEY_NAME_MAX_LENGTH,
  })
  @IsOptional()
  @IsDisplayName(PASSKEY_NAME_MAX_LENGTH)
  name?: string;

  @IsWebAuthnResponse('RegistrationResponseJSON', 'startRegistration()')
  response!: unknown;
}
