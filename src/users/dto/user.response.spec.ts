import { User } from '../user.entity';
import { toUserResponse } from './user.response';

describe('toUserResponse', () => {
  const user = (changes: Partial<User> = {}) =>
    Object.assign(new User(), {
      id: 3,
      email: 'ada@example.com',
      hashedPassword: '$2b$12$secret',
      isActive: true,
      emailVerifiedAt: null,
      pendingEmail: null,
      mfaEnabledAt: null,
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      updatedAt: new Date(),
      ...changes,
    });

  it('shows id, email, whether it is verified, a pending email, whether MFA is on and the creation time, and nothing else of the entity', () => {
    expect(toUserResponse(user())).toEqual({
      id: 3,
      email: 'ada@example.com',
      emailVerified: false,
      pendingEmail: null,
      mfaEnabled: false,
      createdAt: '2026-01-02T03:04:05.678Z',
    });
    expect(toUserResponse(user({ emailVerifiedAt: new Date(), pendingEmail: 'new@example.com', mfaEnabledAt: new Date() }))).toMatchObject({
      emailVerified: true,
      pendingEmail: 'new@example.com',
      mfaEnabled: true,
    });
  });
});
