import { ApiProperty } from '@nestjs/swagger';
import { EMAIL_MAX_LENGTH, IsAccountEmail } from '../../common/validation/account-email.decorator';
import { IsNewPassword, PASSWORD_MIN_CODE_POINTS } from '../../common/validation/password.decorator';

export class RegisterRequest {
  @ApiProperty({ format: 'email', maxLength: EMAIL_MAX_LENGTH, example: 'ada@example.com' })
  @IsAccountEmail()
  email!: string;

  @ApiProperty({
    format: 'password',
    minLength: PASSWORD_MIN_CODE_POINTS,
    description: 'At least 8 characters and at most 72 bytes in UTF-8; not a common password, not the email',
    example: 'correct horse battery staple',
  })
  @IsNewPassword()
  password!: string;
}
