import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { USER_ROLES, UserRole } from '../../users/user.entity';

export class UpdateUserRequest {
  @ApiPropertyOptional({ enum: USER_ROLES, description: 'A demotion ends the user’s tokens at once' })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional({ description: 'false deactivates: the user’s tokens end at once and logins fail as with a wrong password' })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;
}
