import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { IsMfaCode } from '../../common/validation/mfa-code.decorator';

/** The second step of a login that answered 403 MFA_REQUIRED. */
export class MfaVerifyRequest {
  // Any string: a malformed one is MFA_CHALLENGE_EXPIRED like an unknown one.
  @ApiProperty({ description: 'The mfaToken of the MFA_REQUIRED answer', example: 'mfa_...' })
  @IsString()
  mfaToken!: string;

  @IsMfaCode()
  code?: string;
}
