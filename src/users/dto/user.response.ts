import { User } from '../user.entity';

/** A user as the API shows it: never a hash, never internal flags. */
export class UserResponse {
  id!: number;
  email!: string;
  createdAt!: string;
}

export function toUserResponse(user: Pick<User, 'id' | 'email' | 'createdAt'>): UserResponse {
  return { id: user.id, email: user.email, createdAt: user.createdAt.toISOString() };
}
