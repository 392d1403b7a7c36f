import { mock } from 'jest-mock-extended';
import { PasswordHasher } from '../auth/passwords/password-hasher';
import { AttemptThrottle } from '../auth/throttling/attempt-throttle.service';
import { AccessTokenService } from '../auth/tokens/access-token.service';
import { DomainError } from '../common/errors/domain-error';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LoginService } from './login.service';

describe('LoginService.login', () => {
  const storedUser = (overrides: Partial<User> = {}): User =>
    Object.assign(new User(), { id: 1, email: 'ada@example.com', hashedPassword: '$2b$10$stored', isActive: true, ...overrides });

  const setup = (user: User | null, passwordMatches: boolean, needsRehash = false) => {
    const users = mock<UsersService>();
    users.findByEmailWithHash.mockResolvedValue(user);
    users.replaceHash.mockResolvedValue(undefined);
    const hasher = mock<PasswordHasher>();
    hasher.verify.mockResolvedValue(passwordMatches);
    hasher.needsRehash.mockReturnValue(needsRehash);
    hasher.hash.mockResolvedValue('$2b$12$rehashed');
    const tokens = mock<AccessTokenService>();
    tokens.issue.mockResolvedValue({ id: 9, token: 'nat_x', expiresInSeconds: 60 });
    const throttle = mock<AttemptThrottle>();
    throttle.beginLogin.mockResolvedValue(attempt);
    throttle.loginSucceeded.mockResolvedValue(undefined);
    throttle.loginAbandoned.mockResolvedValue(undefined);
    const service = new LoginService(users, hasher, tokens, throttle);
    return { service, users, hasher, tokens, throttle };
  };
  const credentials = { email: 'ada@example.com', password: 'correct horse' };
  const attempt = { account: Buffer.from('account'), client: Buffer.from('client') };

  it('issues a token for the right password', async () => {
    const { service, tokens } = setup(storedUser(), true);

    await expect(service.login(credentials, '203.0.113.7')).resolves.toEqual({ id: 9, token: 'nat_x', expiresInSeconds: 60 });
    expect(tokens.issue).toHaveBeenCalledWith(1);
  });

  it('counts the attempt before any bcrypt work, and takes the count back on success', async () => {
    const { service, hasher, throttle } = setup(storedUser(), true);
    throttle.beginLogin.mockRejectedValueOnce(new DomainError('TOO_MANY_REQUESTS'));

    await expect(service.login(credentials, '203.0.113.7')).rejects.toBeDomainError('TOO_MANY_REQUESTS', 429);
    expect(hasher.verify).not.toHaveBeenCalled();

    await service.login(credentials, '203.0.113.7');
    expect(throttle.beginLogin).toHaveBeenCalledWith('ada@example.com', '203.0.113.7', expect.any(Function));
    expect(throttle.loginSucceeded).toHaveBeenCalledWith(attempt);
    expect(throttle.loginAbandoned).not.toHaveBeenCalled();
    expect(throttle.endLogin).toHaveBeenCalledTimes(1);
  });

  it('takes the count back when the attempt ends before the password was judged', async () => {
    const { service, hasher, throttle } = setup(storedUser(), true);
    hasher.verify.mockRejectedValueOnce(new DomainError('SERVICE_UNAVAILABLE'));

    await expect(service.login(credentials, '203.0.113.7')).rejects.toBeDomainError('SERVICE_UNAVAILABLE', 503);
    expect(throttle.loginAbandoned).toHaveBeenCalledWith(attempt);
    expect(throttle.loginSucceeded).not.toHaveBeenCalled();
    expect(throttle.endLogin).toHaveBeenCalledWith(attempt);
  });

  it('runs the one bcrypt comparison for an unknown email too, against no hash', async () => {
    const { service, hasher, tokens } = setup(null, false);

    await expect(service.login(credentials, '203.0.113.7')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    expect(hasher.verify).toHaveBeenCalledWith('correct horse', null);
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it.each([
    ['a wrong password', storedUser(), false],
    ['a deactivated account', storedUser({ isActive: false }), true],
  ])('fails %s with the same INVALID_CREDENTIALS after one comparison', async (_case, user, matches) => {
    const { service, hasher, tokens } = setup(user, matches);

    await expect(service.login(credentials, '203.0.113.7')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it('keeps a failure counted', async () => {
    const { service, throttle } = setup(null, false);
    await expect(service.login(credentials, '203.0.113.7')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(throttle.loginSucceeded).not.toHaveBeenCalled();
    expect(throttle.loginAbandoned).not.toHaveBeenCalled();
  });

  it('replaces a hash made under another policy after a successful login', async () => {
    const { service, users } = setup(storedUser(), true, true);

    await service.login(credentials, '203.0.113.7');

    expect(users.replaceHash).toHaveBeenCalledWith(1, '$2b$10$stored', '$2b$12$rehashed');
  });

  it('keeps a hash made under the current policy', async () => {
    const { service, users } = setup(storedUser(), true, false);
    await service.login(credentials, '203.0.113.7');
    expect(users.replaceHash).not.toHaveBeenCalled();
  });

  it('never rehashes on a failed login', async () => {
    const { service, users } = setup(storedUser(), false, true);
    await expect(service.login(credentials, '203.0.113.7')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(users.replaceHash).not.toHaveBeenCalled();
  });
});
