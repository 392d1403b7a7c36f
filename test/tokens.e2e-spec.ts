import { PasswordHasher } from '../src/auth/passwords/password-hasher';
import { digestAccessToken } from '../src/auth/tokens/access-token.codec';
import { AccessTokensRepository } from '../src/auth/tokens/access-tokens.repository';
import { TokenUsageRecorder } from '../src/auth/tokens/token-usage.recorder';
import {
  bearer,
  createTestApp,
  grantedScopes,
  login,
  PASSWORD,
  registerAndLogin,
  resetDatabase,
  rowCounts,
  useTestApp,
} from './support/test-app';

const TOKEN_FORMAT = /^nat_[A-Za-z0-9_-]{49}$/;

describe('Tokens: POST /auth/token, logout, token list and revocation', () => {
  const t = useTestApp();

  beforeEach(() => resetDatabase(t.db));

  describe('POST /auth/token', () => {
    beforeEach(async () => {
      await t.http.post('/auth/register').send({ email: 'ada@example.com', password: PASSWORD }).expect(201);
    });

    it('issues a bearer token for JSON credentials (200, no-store)', async () => {
      const response = await t.http.post('/auth/token').send({ email: 'ada@example.com', password: PASSWORD }).expect(200);

      expect(response.body).toEqual({ access_token: expect.stringMatching(TOKEN_FORMAT), token_type: 'bearer', expires_in: 86400 });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('accepts the OAuth 2.0 password grant form, its scope, and the standard client fields and a Basic header ignored', async () => {
      const response = await t.http
        .post('/auth/token')
        .set('Authorization', `Basic ${Buffer.from('swagger-ui:secret').toString('base64')}`)
        .type('form')
        .send({
          grant_type: 'password',
          username: 'ADA@example.com',
          password: PASSWORD,
          scope: 'account',
          client_id: 'x',
          client_secret: 'y',
        })
        .expect(200);

      expect(response.body.access_token).toMatch(TOKEN_FORMAT);
      expect(response.body.token_type).toBe('bearer');
      expect(response.body.scope).toBe('account');
    });

    it('accepts the form without grant_type', async () => {
      await t.http.post('/auth/token').type('form').send({ username: 'ada@example.com', password: PASSWORD }).expect(200);
    });

    it.each([
      ['an email field in the form', { email: 'ada@example.com', password: PASSWORD }, 'email'],
      ['a missing password', { username: 'ada@example.com' }, 'password'],
    ])('answers 400 VALIDATION_FAILED for a form with %s', async (_case, form, field) => {
      const response = await t.http.post('/auth/token').type('form').send(form).expect(400);

      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
    });

    it('answers 400 UNSUPPORTED_GRANT_TYPE for a form with another grant_type (RFC 6749 §5.2)', async () => {
      const form = { grant_type: 'client_credentials', username: 'ada@example.com', password: PASSWORD };
      const response = await t.http.post('/auth/token').type('form').send(form).expect(400);

      expect(response.body).toMatchObject({ code: 'UNSUPPORTED_GRANT_TYPE', error: 'unsupported_grant_type' });
    });

    it('answers 400 VALIDATION_FAILED for JSON with a username instead of an email', async () => {
      const response = await t.http.post('/auth/token').send({ username: 'ada@example.com', password: PASSWORD }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it('logs in with any case of the email', async () => {
      await t.http.post('/auth/token').send({ email: ' ADA@EXAMPLE.COM ', password: PASSWORD }).expect(200);
    });

    it('answers 401, not 500, when the account is deleted while its password is being checked', async () => {
      const verify = jest.spyOn(t.app.get(PasswordHasher), 'verify').mockImplementation(async () => {
        await t.db.query('DELETE FROM users');
        return true;
      });
      try {
        const response = await t.http.post('/auth/token').send({ email: 'ada@example.com', password: PASSWORD }).expect(401);
        expect(response.body.code).toBe('INVALID_CREDENTIALS');
      } finally {
        verify.mockRestore();
      }
    });

    it('answers an SQL-injection password with an ordinary 401', async () => {
      const response = await t.http.post('/auth/token').send({ email: 'ada@example.com', password: "' OR 1=1 --" }).expect(401);
      expect(response.body.code).toBe('INVALID_CREDENTIALS');
    });
  });

  describe('GET /auth/tokens', () => {
    it("lists the caller's live tokens, marking the current one", async () => {
      const { token } = await registerAndLogin(t.http, 'list@example.com');
      await login(t.http, 'list@example.com');
      await registerAndLogin(t.http, 'someone-else@example.com');

      const response = await t.http.get('/auth/tokens').set(bearer(token)).expect(200);

      expect(response.body).toHaveLength(2);
      for (const item of response.body) {
        expect(Object.keys(item).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'kind', 'lastUsedAt', 'name', 'scopes']);
        expect(item).toMatchObject({ kind: 'session', name: null, scopes: grantedScopes(t).split(' ') });
        expect(new Date(item.expiresAt).getTime() - new Date(item.createdAt).getTime()).toBe(86_400_000);
      }
      expect(response.body.filter((item: { current: boolean }) => item.current)).toHaveLength(1);
      expect(JSON.stringify(response.body)).not.toContain(token);
    });
  });

  describe('DELETE /auth/tokens/:id', () => {
    it("revokes one of the caller's tokens (204)", async () => {
      const { token } = await registerAndLogin(t.http, 'del@example.com');
      const other = await login(t.http, 'del@example.com');
      const list = await t.http.get('/auth/tokens').set(bearer(token)).expect(200);
      const otherId = list.body.find((item: { current: boolean }) => !item.current).id;

      await t.http.delete(`/auth/tokens/${otherId}`).set(bearer(token)).expect(204);

      await t.http.get('/users/me').set(bearer(other)).expect(401);
      await t.http.get('/users/me').set(bearer(token)).expect(200);
      await t.http.delete(`/auth/tokens/${otherId}`).set(bearer(token)).expect(404);
    });

    it("answers 404 NOT_FOUND for another user's token and leaves it working", async () => {
      const mallory = await registerAndLogin(t.http, 'mallory@example.com');
      const victim = await registerAndLogin(t.http, 'victim@example.com');
      const [victimToken] = (await t.http.get('/auth/tokens').set(bearer(victim.token))).body;

      const response = await t.http.delete(`/auth/tokens/${victimToken.id}`).set(bearer(mallory.token)).expect(404);

      expect(response.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: expect.any(String) });
      await t.http.get('/users/me').set(bearer(victim.token)).expect(200);
    });

    it.each(['abc', '0', '-1', '1.5', '99999999999999999999', '4294967296'])('answers 404 for the id %s', async (id) => {
      const { token } = await registerAndLogin(t.http, 'ids@example.com');
      const response = await t.http.delete(`/auth/tokens/${id}`).set(bearer(token)).expect(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });
  });

  describe('DELETE /auth/tokens', () => {
    it('revokes every token of the caller but the current one (204)', async () => {
      const { token } = await registerAndLogin(t.http, 'all@example.com');
      const others = await Promise.all([login(t.http, 'all@example.com'), login(t.http, 'all@example.com')]);
      const bystander = await registerAndLogin(t.http, 'by@example.com');

      await t.http.delete('/auth/tokens').set(bearer(token)).expect(204);

      for (const other of others) await t.http.get('/users/me').set(bearer(other)).expect(401);
      await t.http.get('/users/me').set(bearer(token)).expect(200);
      await t.http.get('/users/me').set(bearer(bystander.token)).expect(200);
    });
  });
});

describe('Token lifetime, last use and the per-user cap (injected clock)', () => {
  const t = useTestApp({ auth: { accessTokenTtlSeconds: 5, accessTokenIdleTtlSeconds: 0, maxTokensPerUser: 3 } });

  beforeEach(() => resetDatabase(t.db));

  it('reports expires_in and stores expires_at from the same clock', async () => {
    await t.http.post('/auth/register').send({ email: 'exp@example.com', password: PASSWORD }).expect(201);
    const issuedAt = t.clock.now();
    const response = await t.http.post('/auth/token').send({ email: 'exp@example.com', password: PASSWORD }).expect(200);

    expect(response.body.expires_in).toBe(5);
    const [row] = await t.db.query('SELECT created_at, expires_at FROM access_tokens');
    expect(new Date(row.created_at).getTime()).toBe(issuedAt.getTime());
    expect(new Date(row.expires_at).getTime()).toBe(issuedAt.getTime() + 5_000);
  });

  it("lists only the caller's live tokens", async () => {
    const { token: old } = await registerAndLogin(t.http, 'live@example.com');
    t.clock.advance(3_000);
    const fresh = await login(t.http, 'live@example.com');
    t.clock.advance(3_000);

    const response = await t.http.get('/auth/tokens').set(bearer(fresh)).expect(200);

    expect(response.body).toHaveLength(1);
    expect(response.body[0].current).toBe(true);
    await t.http.get('/users/me').set(bearer(old)).expect(401);
  });
});

describe('The per-user token cap', () => {
  const t = useTestApp({ auth: { accessTokenTtlSeconds: 86_400, accessTokenIdleTtlSeconds: 0, maxTokensPerUser: 3 } });

  beforeEach(() => resetDatabase(t.db));

  it('past the cap, a login revokes the least recently used token and never locks the user out', async () => {
    const { token: first } = await registerAndLogin(t.http, 'cap@example.com');
    t.clock.advance(1_000);
    const second = await login(t.http, 'cap@example.com');
    t.clock.advance(1_000);
    const third = await login(t.http, 'cap@example.com');
    t.clock.advance(60_000);
    // Using the first token makes the second the least recently used.
    await t.http.get('/users/me').set(bearer(first)).expect(200);
    await t.app.get(TokenUsageRecorder).flush();
    t.clock.advance(1_000);
    const fourth = await login(t.http, 'cap@example.com');

    await t.http.get('/users/me').set(bearer(second)).expect(401);
    for (const live of [first, third, fourth]) await t.http.get('/users/me').set(bearer(live)).expect(200);
    expect((await rowCounts(t.db)).tokens).toBe(3);
  });

  it('keeps every token that a burst of concurrent logins returned, up to the cap', async () => {
    await registerAndLogin(t.http, 'burst@example.com');
    const tokens = await Promise.all(Array.from({ length: 6 }, () => login(t.http, 'burst@example.com')));

    const statuses = await Promise.all(tokens.map(async (token) => (await t.http.get('/users/me').set(bearer(token))).status));
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
    expect((await rowCounts(t.db)).tokens).toBe(3);
  });
});

describe('The token cache', () => {
  const ttlMs = 60_000;
  const t = useTestApp({ auth: { tokenCacheTtlMs: ttlMs } });

  beforeEach(() => resetDatabase(t.db));

  /** A token the cache holds: it was just used. */
  const cachedLogin = async (email: string) => {
    const token = await login(t.http, email);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    return token;
  };

  it('answers a guarded read from the cache: no lookup while the copy is fresh', async () => {
    const { token } = await registerAndLogin(t.http, 'cache@example.com');
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    const lookup = jest.spyOn(t.app.get(AccessTokensRepository), 'findWithOwnerByDigest');
    try {
      await t.http.get('/users/me').set(bearer(token)).expect(200);
      expect(lookup).not.toHaveBeenCalled();
      t.clock.advance(ttlMs + 1);
      await t.http.get('/users/me').set(bearer(token)).expect(200);
      expect(lookup).toHaveBeenCalledTimes(1);
    } finally {
      lookup.mockRestore();
    }
  });

  it('makes a logout, a revocation and a password change on this instance take effect at once', async () => {
    await t.http.post('/auth/register').send({ email: 'now@example.com', password: PASSWORD }).expect(201);
    const [loggedOut, revoked, current, other] = [
      await cachedLogin('now@example.com'),
      await cachedLogin('now@example.com'),
      await cachedLogin('now@example.com'),
      await cachedLogin('now@example.com'),
    ];

    await t.http.post('/auth/logout').set(bearer(loggedOut)).expect(204);
    await t.http.get('/users/me').set(bearer(loggedOut)).expect(401);

    const [row] = await t.db.query('SELECT id FROM access_tokens WHERE token_hash = ?', [digestAccessToken(revoked)]);
    await t.http.delete(`/auth/tokens/${row.id}`).set(bearer(current)).expect(204);
    await t.http.get('/users/me').set(bearer(revoked)).expect(401);
    await t.http.get('/users/me').set(bearer(other)).expect(200);

    await t.http
      .patch('/users/me')
      .set(bearer(current))
      .send({ password: 'a brand new passphrase', currentPassword: PASSWORD })
      .expect(200);
    await t.http.get('/users/me').set(bearer(other)).expect(401);
    await t.http.get('/users/me').set(bearer(current)).expect(200);
  });

  it('shows a pending email at once on every cached session of the user', async () => {
    await t.http.post('/auth/register').send({ email: 'old@example.com', password: PASSWORD }).expect(201);
    const [first, second] = [await cachedLogin('old@example.com'), await cachedLogin('old@example.com')];
    await t.http.patch('/users/me').set(bearer(first)).send({ email: 'new@example.com', currentPassword: PASSWORD }).expect(200);
    const me = await t.http.get('/users/me').set(bearer(second)).expect(200);
    expect(me.body.pendingEmail).toBe('new@example.com');
  });

  it("runs the guard's lookup as a prepared statement", async () => {
    const { token } = await registerAndLogin(t.http, 'prepared@example.com');
    const executed = async () => Number((await t.db.query("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'"))[0].Value);
    const before = await executed();
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    expect(await executed()).toBeGreaterThan(before);
  });

  it('sees a change made outside this instance (here: in the database) once its copy is TOKEN_CACHE_TTL_MS old', async () => {
    const { token, userId } = await registerAndLogin(t.http, 'elsewhere@example.com');
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await t.db.query('UPDATE users SET is_active = 0 WHERE id = ?', [userId]);

    await t.http.get('/users/me').set(bearer(token)).expect(200);
    t.clock.advance(ttlMs + 1);
    await t.http.get('/users/me').set(bearer(token)).expect(401);
  });
});

describe('Idle timeout and last use', () => {
  const t = useTestApp({ auth: { accessTokenTtlSeconds: 86_400, accessTokenIdleTtlSeconds: 600, maxTokensPerUser: 50 } });
  const minute = 60_000;

  beforeEach(() => resetDatabase(t.db));

  const lastUsedAt = async () => new Date((await t.db.query('SELECT last_used_at FROM access_tokens'))[0].last_used_at).getTime();

  it('writes last_used_at at most once a minute', async () => {
    const { token } = await registerAndLogin(t.http, 'use@example.com');
    const recorder = t.app.get(TokenUsageRecorder);
    const issuedAt = await lastUsedAt();

    t.clock.advance(30_000);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await recorder.flush();
    expect(await lastUsedAt()).toBe(issuedAt);

    t.clock.advance(31_000);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await recorder.flush();
    expect(await lastUsedAt()).toBe(issuedAt + 61_000);

    t.clock.advance(10_000);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await recorder.flush();
    expect(await lastUsedAt()).toBe(issuedAt + 61_000);
  });

  it('keeps a token alive while it is used and kills it after the idle timeout', async () => {
    const { token } = await registerAndLogin(t.http, 'idle@example.com');

    t.clock.advance(9 * minute);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await t.app.get(TokenUsageRecorder).flush();
    t.clock.advance(9 * minute);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    const listed = await t.http.get('/auth/tokens').set(bearer(token)).expect(200);
    expect(listed.body).toHaveLength(1);

    t.clock.advance(10 * minute);
    await t.http.get('/users/me').set(bearer(token)).expect(401);
  });
});

describe('Password hash upgrade at login', () => {
  it('rehashes a stored hash whose cost differs from the configured one', async () => {
    const before = await createTestApp();
    await resetDatabase(before.db);
    await before.http.post('/auth/register').send({ email: 'old@example.com', password: PASSWORD }).expect(201);
    const [{ hashed_password: oldHash }] = await before.db.query('SELECT hashed_password FROM users');
    expect(oldHash).toMatch(/^\$2b\$10\$/);
    await before.close();

    const after = await createTestApp({ auth: { bcryptCost: 11 } });
    try {
      await after.http.post('/auth/token').send({ email: 'old@example.com', password: 'a wrong password' }).expect(401);
      expect((await after.db.query('SELECT hashed_password FROM users'))[0].hashed_password).toBe(oldHash);

      await after.http.post('/auth/token').send({ email: 'old@example.com', password: PASSWORD }).expect(200);
      const [{ hashed_password: newHash }] = await after.db.query('SELECT hashed_password FROM users');
      expect(newHash).toMatch(/^\$2b\$11\$/);
      await after.http.post('/auth/token').send({ email: 'old@example.com', password: PASSWORD }).expect(200);
    } finally {
      await after.close();
    }
  });
});
