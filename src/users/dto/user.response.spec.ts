import { User } from '../user.entity';
import { toUserResponse } from './user.response';

describe('toUserResponse', () => {
  it('shows id, email and creation time, and nothing else of the entity', () => {
    const user = Object.assign(new User(), {
      id: 3,
      email: 'ada@example.com',
      hashedPassword: '$2b$12$secret',
      isActive: true,
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      updatedAt: new Date(),
    });

    expect(toUserResponse(user)).toEqual({ id: 3, email: 'ada@example.com', createdAt: '2026-01-02T03:04:05.678Z' });
  });
});
