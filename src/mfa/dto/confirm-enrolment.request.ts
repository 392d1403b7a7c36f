import { IsMfaCode } from '../../common/validation/mfa-code.decorator';

export class ConfirmEnrolmentRequest {
  @IsMfaCode()
  code?: string;
}
