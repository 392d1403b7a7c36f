import { IsAccountEmail } from '../../common/validation/account-email.decorator';
import { IsNewPassword } from '../../common/validation/password.decorator';

export class RegisterRequest {
  @IsAccountEmail()
  email!: string;

  @IsNewPassword()
  password!: string;
}
