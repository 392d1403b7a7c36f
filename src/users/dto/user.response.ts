import { ApiProperty } from '@nestjs/swagger';
import { User, USER_ROLES, UserRole } from '../user.entity';

/** A user as the API shows it: never a hash, never internal flags. */
export class UserResponse {
  @ApiProperty({ example: 42 })
  id!: number;
  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email!: string;
  @ApiProperty({ description: 'Whether a link mailed to this address has been used' })
  emailVerified!: boolean;
  @ApiProperty({
    format: 'email',
    nullable: true,
    type: String,
    description: 'An address the user asked to change to, until its link is used',
  })
  pendingEmail!: string | null;
  @ApiProperty({ description: 'Whether logins ask for a second factor after the password' })
  mfaEnabled!: boolean;
  @ApiProperty({ enum: USER_ROLES, description: 'What the user may do beyond their own account' })
  role!: UserRole;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toUserResponse(
  user: Pick<User, 'id' | 'email' | 'emailVerifiedAt' | 'pendingEmail' | 'mfaEnabledAt' | 'role' | 'createdAt'>,
): UserResponse {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    pendingEmail: user.pendingEmail,
    mfaEnabled: user.mfaEnabledAt !== null,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}
