import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { IsNewPassword, PASSWORD_MIN_CODE_POINTS } from '../../common/validation/password.decorator';

export class PasswordResetConfirmRequest {
  // Any string: a malformed one is INVALID_LINK like an unknown one, not a validation error.
  @ApiProperty({ description: 'The token from the link (after #token=)', example: 'lnk_...' })
  @IsString()
  token!: string;

  @ApiProperty({
    format: 'password',
    minLength: PASSWORD_MIN_CODE_POINTS,
    description: 'The new password, under the rules of registration',
  })
  @IsNewPassword()
  password!: string;
}
