import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../test/support/default-settings';
import {
  AccessTokenIssuer,
  AccessTokenRevoker,
  AttemptThrottleService,
  MfaChallengesService,
  PasskeyAssertionsService,
  PasswordHasher,
  ScopeRegistry,
  SecurityEventLog,
  SessionRefresher,
} from '../auth/internal';
import { DomainError } from '../common/errors/domain-error';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LoginService } from './login.service';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };

/** The application's scopes: the built-in ones only, as no controller is discovered here. */
function scopeRegistry(): ScopeRegistry {
  const registry = new ScopeRegistry(mock(), mock(), mock());
  return registry;
}

describe('LoginService.login', () => {
  const storedUser = (overrides: Partial<User> = {}): User =>
    Object.assign(new User(), {
      id: 1,
      email: 'ada@example.com',
      hashedPassword: '$2b$10$stored',
      isActive: true,
      mfaEnabledAt: null,
      credentialVersion: 4,
      ...overrides,
    });

  const setup = (user: User | null, passwordMatches: boolean, needsRehash = false) => {
    const users = mock<UsersService>();
    users.findByEmailWithHash.mockResolvedValue(user);
    users.replaceHash.mockResolvedValue(undefined);
    const hasher = mock<PasswordHasher>();
    hasher.verify.mockResolvedValue(passwordMatches);
    hasher.needsRehash.mockReturnValue(needsRehash);
    hasher.hash.mockResolvedValue('$2b$12$rehashed');
    const tokens = mock<AccessTokenIssuer>();
    tokens.issue.mockResolvedValue({ id: 9, token: 'nat_x', expiresInSeconds: 60, scopes: ['account'] });
    const throttle = mock<AttemptThrottleService>();
    // The throttle's own rules are AttemptThrottle's tests: here it lets every check run.
    throttle.checkSecret.mockImplementation((_email, _client, check) => check());
    const scopes = scopeRegistry();
    const mfaChallenges = mock<MfaChallengesService>();
    mfaChallenges.start.mockResolvedValue({ mfaToken: 'mfa_x', expiresInSeconds: 300 });
    const passkeys = mock<PasskeyAssertionsService>();
    const service = new LoginService(
      users,
      hasher,
      tokens,
      mock<AccessTokenRevoker>(),
      mock<SessionRefresher>(),
      throttle,
      mfaChallenges,
      passkeys,
      scopes,
      mock<SecurityEventLog>(),
      defaultSettings.account,
    );
    return { service, users, hasher, tokens, throttle, mfaChallenges, passkeys };
  };
  const credentials = { email: 'ada@example.com', password: 'correct horse' };

  it('issues a token for the right password', async () => {
    const { service, tokens } = setup(storedUser(), true);

    await expect(service.login(credentials, CLIENT, 'bearer')).resolves.toEqual({
      issued: { id: 9, token: 'nat_x', expiresInSeconds: 60, scopes: ['account'] },
      narrowed: false,
    });
    expect(tokens.issue).toHaveBeenCalledWith(1, ['account'], 4, false);
  });

  it('checks the password as a throttled attempt of that email from that client, with no bcrypt work when refused', async () => {
    const { service, hasher, throttle } = setup(storedUser(), true);
    throttle.checkSecret.mockRejectedValueOnce(new DomainError('TOO_MANY_REQUESTS'));

    await expect(service.login(credentials, CLIENT, 'bearer')).rejects.toBeDomainError('TOO_MANY_REQUESTS', 429);
    expect(hasher.verify).not.toHaveBeenCalled();

    await service.login(credentials, CLIENT, 'bearer');
    expect(throttle.checkSecret).toHaveBeenLastCalledWith('ada@example.com', '203.0.113.7', expect.any(Function), expect.any(Function));
    expect(hasher.verify).toHaveBeenCalledWith('correct horse', '$2b$10$stored', '203.0.113.7');
  });

  it('runs the one bcrypt comparison for an unknown email too, against no hash', async () => {
    const { service, hasher, tokens } = setup(null, false);

    await expect(service.login(credentials, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    expect(hasher.verify).toHaveBeenCalledWith('correct horse', null, '203.0.113.7');
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it('runs the same one comparison, against no hash, for an account an identity provider made without a password', async () => {
    const { service, hasher, tokens } = setup(storedUser({ hashedPassword: null }), false);

    await expect(service.login(credentials, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    expect(hasher.verify).toHaveBeenCalledWith('correct horse', null, '203.0.113.7');
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it.each([
    ['a wrong password', storedUser(), false],
    ['a deactivated account', storedUser({ isActive: false }), true],
  ])('fails %s with the same INVALID_CREDENTIALS after one comparison', async (_case, user, matches) => {
    const { service, hasher, tokens } = setup(user, matches);

    await expect(service.login(credentials, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it('replaces a hash made under another policy after a successful login', async () => {
    const { service, users } = setup(storedUser(), true, true);

    await service.login(credentials, CLIENT, 'bearer');

    expect(users.replaceHash).toHaveBeenCalledWith(1, '$2b$10$stored', '$2b$12$rehashed');
  });

  it('keeps a hash made under the current policy', async () => {
    const { service, users } = setup(storedUser(), true, false);
    await service.login(credentials, CLIENT, 'bearer');
    expect(users.replaceHash).not.toHaveBeenCalled();
  });

  it('answers the right password of a user with MFA on with MFA_REQUIRED and a challenge for its transport, and issues no token', async () => {
    const { service, tokens, mfaChallenges } = setup(storedUser({ mfaEnabledAt: new Date() }), true);

    const refusal = await service.login(credentials, CLIENT, 'cookie').catch((error: unknown) => error);

    expect(refusal).toBeDomainError('MFA_REQUIRED', 403);
    expect((refusal as DomainError).details).toEqual({ mfaToken: 'mfa_x', expiresIn: 300 });
    expect(mfaChallenges.start).toHaveBeenCalledWith(1, 4, { transport: 'cookie', requestedScopes: null, offlineAccess: false });
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it('answers a wrong password of a user with MFA on with the ordinary 401, and starts no challenge', async () => {
    const { service, mfaChallenges } = setup(storedUser({ mfaEnabledAt: new Date() }), false);

    await expect(service.login(credentials, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(mfaChallenges.start).not.toHaveBeenCalled();
  });

  it('narrows the token to the scopes asked for, and says so', async () => {
    const { service, tokens } = setup(storedUser(), true);

    await expect(service.login({ ...credentials, scope: 'account' }, CLIENT, 'bearer')).resolves.toMatchObject({ narrowed: true });
    expect(tokens.issue).toHaveBeenCalledWith(1, ['account'], 4, false);
  });

  it('refuses an unknown scope with 400 INVALID_SCOPE before any check of the password, and one the user may not hold after it', async () => {
    const { service, tokens, throttle } = setup(storedUser(), true);

    await expect(service.login({ ...credentials, scope: 'account nope' }, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_SCOPE', 400);
    expect(throttle.checkSecret).not.toHaveBeenCalled();
    await expect(service.login({ ...credentials, scope: 'admin' }, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_SCOPE', 400);
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it('never rehashes on a failed login', async () => {
    const { service, users } = setup(storedUser(), false, true);
    await expect(service.login(credentials, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(users.replaceHash).not.toHaveBeenCalled();
  });
});

describe('LoginService.login with EMAIL_VERIFICATION=required', () => {
  const setup = (emailVerifiedAt: Date | null, passwordMatches: boolean) => {
    const users = mock<UsersService>();
    users.findByEmailWithHash.mockResolvedValue(
      Object.assign(new User(), {
        id: 1,
        email: 'ada@example.com',
        hashedPassword: '$2b$12$stored',
        isActive: true,
        emailVerifiedAt,
        mfaEnabledAt: null,
      }),
    );
    const hasher = mock<PasswordHasher>();
    hasher.verify.mockResolvedValue(passwordMatches);
    hasher.needsRehash.mockReturnValue(false);
    const tokens = mock<AccessTokenIssuer>();
    tokens.issue.mockResolvedValue({ id: 9, token: 'nat_x', expiresInSeconds: 60, scopes: ['account'] });
    const throttle = mock<AttemptThrottleService>();
    throttle.checkSecret.mockImplementation((_email, _client, check) => check());
    const service = new LoginService(
      users,
      hasher,
      tokens,
      mock<AccessTokenRevoker>(),
      mock<SessionRefresher>(),
      throttle,
      mock<MfaChallengesService>(),
      mock<PasskeyAssertionsService>(),
      scopeRegistry(),
      mock<SecurityEventLog>(),
      { ...defaultSettings.account, emailVerification: 'required' },
    );
    return { service, tokens };
  };
  const credentials = { email: 'ada@example.com', password: 'correct horse' };

  it('refuses an unverified account’s right password with 403 EMAIL_NOT_VERIFIED, and issues nothing', async () => {
    const { service, tokens } = setup(null, true);
    await expect(service.login(credentials, CLIENT, 'bearer')).rejects.toBeDomainError('EMAIL_NOT_VERIFIED', 403);
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it('answers a wrong password with the ordinary 401, verified or not', async () => {
    await expect(setup(null, false).service.login(credentials, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
  });

  it('logs a verified account in', async () => {
    await expect(setup(new Date(), true).service.login(credentials, CLIENT, 'bearer')).resolves.toMatchObject({
      issued: { token: 'nat_x' },
    });
  });
});

describe('LoginService.loginWithPasskey', () => {
  const setup = (user: Partial<User>, emailVerification: 'optional' | 'required' = 'optional') => {
    const users = mock<UsersService>();
    const tokens = mock<AccessTokenIssuer>();
    tokens.issue.mockImplementation((_userId, scopes) => Promise.resolve({ id: 9, token: 'nat_x', expiresInSeconds: 60, scopes }));
    const passkeys = mock<PasskeyAssertionsService>();
    passkeys.verify.mockResolvedValue(
      Object.assign(new User(), {
        id: 1,
        email: 'ada@example.com',
        isActive: true,
        role: 'user',
        emailVerifiedAt: null,
        credentialVersion: 2,
        ...user,
      }),
    );
    const events = mock<SecurityEventLog>();
    const service = new LoginService(
      users,
      mock<PasswordHasher>(),
      tokens,
      mock<AccessTokenRevoker>(),
      mock<SessionRefresher>(),
      mock<AttemptThrottleService>(),
      mock<MfaChallengesService>(),
      passkeys,
      scopeRegistry(),
      events,
      { ...defaultSettings.account, emailVerification },
    );
    return { service, tokens, passkeys, events };
  };

  it('logs in the user the assertion proves, with every scope of the role, and no MFA step even with MFA on', async () => {
    const { service, tokens, events } = setup({ mfaEnabledAt: new Date() });
    await expect(service.loginWithPasskey({ id: 'x' }, undefined, CLIENT, 'bearer')).resolves.toEqual({
      issued: expect.objectContaining({ token: 'nat_x', scopes: ['account'] }),
      narrowed: false,
    });
    expect(tokens.issue).toHaveBeenCalledWith(1, ['account'], 2, false);
    expect(events.record).toHaveBeenCalledWith('login.succeeded', 1, { client: CLIENT }, expect.objectContaining({ tokenId: 9 }));
  });

  it('narrows the token to the scopes asked for, and refuses an unknown one before the assertion is checked', async () => {
    const { service, passkeys } = setup({});
    await expect(service.loginWithPasskey({}, 'nope:read', CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_SCOPE', 400);
    expect(passkeys.verify).not.toHaveBeenCalled();
    await expect(service.loginWithPasskey({}, 'account', CLIENT, 'bearer')).resolves.toMatchObject({
      narrowed: true,
      issued: { scopes: ['account'] },
    });
  });

  it('answers a deactivated account with the ordinary 401, issuing nothing', async () => {
    const { service, tokens } = setup({ isActive: false });
    await expect(service.loginWithPasskey({}, undefined, CLIENT, 'bearer')).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    expect(tokens.issue).not.toHaveBeenCalled();
  });

  it('asks an unverified address to be verified first when EMAIL_VERIFICATION=required', async () => {
    await expect(setup({}, 'required').service.loginWithPasskey({}, undefined, CLIENT, 'bearer')).rejects.toBeDomainError(
      'EMAIL_NOT_VERIFIED',
      403,
    );
    await expect(
      setup({ emailVerifiedAt: new Date() }, 'required').service.loginWithPasskey({}, undefined, CLIENT, 'bearer'),
    ).resolves.toBeDefined();
  });
});
