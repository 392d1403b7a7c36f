import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { EMAIL_MAX_LENGTH, IsAccountEmail } from '../../common/validation/account-email.decorator';
import { IsNewPassword, IsCurrentPassword, PASSWORD_MIN_CODE_POINTS } from '../../common/validation/password.decorator';

// Absent means "keep"; null is not a value to store, so it is validated and refused.
const unlessAbsent = ValidateIf((_object: unknown, value: unknown) => value !== undefined);

export class UpdateProfileRequest {
  @ApiPropertyOptional({ format: 'email', maxLength: EMAIL_MAX_LENGTH, description: 'A new email; absent keeps it' })
  @unlessAbsent
  @IsAccountEmail()
  email?: string;

  @ApiPropertyOptional({
    format: 'password',
    minLength: PASSWORD_MIN_CODE_POINTS,
    description: 'A new password; absent keeps it. Signs out every other token',
  })
  @unlessAbsent
  @IsNewPassword()
  password?: string;

  @IsCurrentPassword()
  currentPassword?: string;
}
