import { ApiProperty } from '@nestjs/swagger';
import { toUserResponse, UserResponse } from '../../users/dto/user.response';
import { User } from '../../users/user.entity';

/** A user as an admin sees it: the user's own view, and whether the account is active and when it last logged in. */
export class AdminUserResponse extends UserResponse {
  @ApiProperty()
  isActive!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastLoginAt!: string | null;
}

export class AdminUserPageResponse {
  @ApiProperty({ type: [AdminUserResponse] })
  items!: AdminUserResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass it as cursor for the next page; null on the last page' })
  nextCursor!: string | null;
}

export function toAdminUserResponse(user: User): AdminUserResponse {
  return { ...toUserResponse(user), isActive: user.isActive, lastLoginAt: user.lastLoginAt?.toISOString() ?? null };
}
