import { ApiProperty } from '@nestjs/swagger';
import { User } from '../user.entity';

/** A user as the API shows it: never a hash, never internal flags. */
export class UserResponse {
  @ApiProperty({ example: 42 })
  id!: number;
  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toUserResponse(user: Pick<User, 'id' | 'email' | 'createdAt'>): UserResponse {
  return { id: user.id, email: user.email, createdAt: user.createdAt.toISOString() };
}
