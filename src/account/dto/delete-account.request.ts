import { IsMfaCode } from '../../common/validation/mfa-code.decorator';
import { IsCurrentPassword } from '../../common/validation/password.decorator';

export class DeleteAccountRequest {
  @IsCurrentPassword()
  currentPassword?: string;

  /** Asked only when MFA is on. */
  @IsMfaCode()
  code?: string;
}
