import { ApiProperty } from '@nestjs/swagger';
import { IsMfaCode } from '../../common/validation/mfa-code.decorator';
import { IsPresentedPassword } from '../../common/validation/password.decorator';

/** A passkey signs in alone, second factor included: adding one asks for what turning MFA off asks for. */
export class RegistrationOptionsRequest {
  @ApiProperty({ format: 'password', description: 'Required: a stolen session alone adds no passkey' })
  @IsPresentedPassword()
  currentPassword!: string;

  /** Asked only when MFA is on. */
  @IsMfaCode()
  code?: string;
}
