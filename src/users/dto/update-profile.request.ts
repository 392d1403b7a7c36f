import { IsOptional } from 'class-validator';
import { IsAccountEmail } from '../../common/validation/account-email.decorator';
import { IsNewPassword, IsPresentedPassword } from '../../common/validation/password.decorator';

export class UpdateProfileRequest {
  @IsOptional()
  @IsAccountEmail()
  email?: string;

  @IsOptional()
  @IsNewPassword()
  password?: string;

  @IsPresentedPassword()
  currentPassword!: string;
}
