import { ValidateIf } from 'class-validator';
import { IsAccountEmail } from '../../common/validation/account-email.decorator';
import { IsNewPassword, IsPresentedPassword } from '../../common/validation/password.decorator';

// Absent means "keep"; null is not a value to store, so it is validated and refused.
const unlessAbsent = ValidateIf((_object: unknown, value: unknown) => value !== undefined);

export class UpdateProfileRequest {
  @unlessAbsent
  @IsAccountEmail()
  email?: string;

  @unlessAbsent
  @IsNewPassword()
  password?: string;

  @IsPresentedPassword()
  currentPassword!: string;
}
