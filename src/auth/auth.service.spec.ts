import { DomainError } from '../common/errors/domain-error';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { PasswordHasher } from './passwords/password-hasher';
import { AccessTokenService } from './tokens/access-token.service';

describe('AuthService.login', () => {
  const storedUser = (overrides: Partial<User> = {}): User =>
    ({ id: 1, email: 'ada@example.com', hashedPassword: '$2b$10$stored', isActive: true, ...overrides }) as User;

  const setup = (user: User | null, passwordMatches: boolean, needsRehash = false) => {
    const users = {
      findByEmailWithHash: jest.fn().mockResolvedValue(user),
      replaceHash: jest.fn().mockResolvedValue(undefined),
    };
    const hasher = {
      verify: jest.fn().mockResolvedValue(passwordMatches),
      needsRehash: jest.fn().mockReturnValue(needsRehash),
      hash: jest.fn().mockResolvedValue('$2b$12$rehashed'),
    };
    const tokens = { issue: jest.fn().mockResolvedValue({ id: 9, token: 'nat_x', expiresInSeconds: 60 }) };
    const service = new AuthService(
      users as unknown as UsersService,
      hasher as unknown as PasswordHasher,
      tokens as unknown as AccessTokenService,
    );
    return { service, users, hasher, tokens };
  };
  const credentials = { email: 'ada@example.com', password: 'correct horse' };

  it('issues a token for the right password', async () => {
    const { service, tokens } = setup(storedUser(), true);

    await expect(service.login(credentials)).resolves.toEqual({ id: 9, token: 'nat_x', expiresInSeconds: 60 });
    expect(tokens.issue).toHaveBeenCalledWith(1);
  });

  it('runs the one bcrypt comparison for an unknown email too, against no hash', async () => {
    const { service, hasher, tokens } = setup(null, false);

    await expect(service.login(credentials)).rejects.toEqual(new DomainError('INVALID_CREDENTIALS'));
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    expect(hasher.verify).toHaveBeenCalledWith('correct horse', null);
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it.each([
    ['a wrong password', storedUser(), false],
    ['a deactivated account', storedUser({ isActive: false }), true],
  ])('fails %s with the same INVALID_CREDENTIALS after one comparison', async (_case, user, matches) => {
    const { service, hasher, tokens } = setup(user, matches);

    await expect(service.login(credentials)).rejects.toEqual(new DomainError('INVALID_CREDENTIALS'));
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it('replaces a hash made under another policy after a successful login', async () => {
    const { service, users } = setup(storedUser(), true, true);

    await service.login(credentials);

    expect(users.replaceHash).toHaveBeenCalledWith(1, '$2b$10$stored', '$2b$12$rehashed');
  });

  it('keeps a hash made under the current policy', async () => {
    const { service, users } = setup(storedUser(), true, false);
    await service.login(credentials);
    expect(users.replaceHash).not.toHaveBeenCalled();
  });

  it('never rehashes on a failed login', async () => {
    const { service, users } = setup(storedUser(), false, true);
    await expect(service.login(credentials)).rejects.toBeInstanceOf(DomainError);
    expect(users.replaceHash).not.toHaveBeenCalled();
  });
});
