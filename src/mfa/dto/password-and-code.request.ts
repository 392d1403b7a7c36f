import { ApiProperty } from '@nestjs/swagger';
import { IsMfaCode } from '../../common/validation/mfa-code.decorator';
import { IsPresentedPassword } from '../../common/validation/password.decorator';

/** What turning MFA off or renewing the recovery codes asks for: both factors again. */
export class PasswordAndCodeRequest {
  @ApiProperty({ format: 'password' })
  @IsPresentedPassword()
  currentPassword!: string;

  @IsMfaCode()
  code?: string;
}
