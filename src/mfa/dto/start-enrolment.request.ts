import { IsCurrentPassword } from '../../common/validation/password.decorator';

export class StartEnrolmentRequest {
  @IsCurrentPassword()
  currentPassword?: string;
}
