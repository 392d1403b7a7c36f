import { ApiProperty } from '@nestjs/swagger';
import { IsMfaCode } from '../../common/validation/mfa-code.decorator';
import { IsPresentedPassword } from '../../common/validation/password.decorator';

export class DeleteAccountRequest {
  @ApiProperty({ format: 'password', description: 'Required: deleting the account cannot be undone' })
  @IsPresentedPassword()
  currentPassword!: string;

  /** Asked only when MFA is on. */
  @IsMfaCode()
  code?: string;
}
