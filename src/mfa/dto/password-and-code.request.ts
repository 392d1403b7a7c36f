import { IsMfaCode } from '../../common/validation/mfa-code.decorator';
import { IsCurrentPassword } from '../../common/validation/password.decorator';

/** What turning MFA off or renewing the recovery codes asks for: both factors again. */
export class PasswordAndCodeRequest {
  @IsCurrentPassword()
  currentPassword?: string;

  @IsMfaCode()
  code?: string;
}
