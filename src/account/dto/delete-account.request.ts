import { ApiProperty } from '@nestjs/swagger';
import { IsPresentedPassword } from '../../common/validation/password.decorator';

export class DeleteAccountRequest {
  @ApiProperty({ format: 'password', description: 'Required: deleting the account cannot be undone' })
  @IsPresentedPassword()
  currentPassword!: string;
}
