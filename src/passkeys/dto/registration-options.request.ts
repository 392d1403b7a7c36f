import { IsMfaCode } from '../../common/validation/mfa-code.decorator';
import { IsCurrentPassword } from '../../common/validation/password.decorator';

/** A passkey signs in alone, second factor included: adding one asks for what turning MFA off asks for. */
export class RegistrationOptionsRequest {
  @IsCurrentPassword()
  currentPassword?: string;

  /** Asked only when MFA is on. */
  @IsMfaCode()
  code?: string;
}
