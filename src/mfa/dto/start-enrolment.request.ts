import { ApiProperty } from '@nestjs/swagger';
import { IsPresentedPassword } from '../../common/validation/password.decorator';

export class StartEnrolmentRequest {
  @ApiProperty({ format: 'password' })
  @IsPresentedPassword()
  currentPassword!: string;
}
