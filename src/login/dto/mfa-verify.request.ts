import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { MaxCodePoints } from '../../common/validation/text-length.decorator';
import { IsMfaCode } from '../../common/validation/mfa-code.decorator';

/** The second step of a login that answered 403 MFA_REQUIRED. */
export class MfaVerifyRequest {
  // Any string: a malformed one is MFA_CHALLENGE_EXPIRED like an unknown one.
  @ApiProperty({ description: 'The mfaToken of the MFA_REQUIRED answer', example: 'mfa_...' })
  @IsString()
  mfaToken!: string;

  @IsMfaCode()
  code?: string;

  @ApiPropertyOptional({
    description: 'A sign-in through a provider in token mode: the PKCE verifier of the app that started it (400 INVALID_GRANT without it)',
  })
  @IsOptional()
  @IsString()
  @MaxCodePoints(128)
  codeVerifier?: string;
}
