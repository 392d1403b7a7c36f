import { ApiProperty } from '@nestjs/swagger';
import { EMAIL_MAX_LENGTH, IsAccountEmail } from '../../common/validation/account-email.decorator';

export class PasswordResetRequest {
  @ApiProperty({ format: 'email', maxLength: EMAIL_MAX_LENGTH, example: 'ada@example.com' })
  @IsAccountEmail()
  email!: string;
}
