import { RevocationFeed } from '../../src/auth/tokens/revocation-feed';
import { bearer, createTestApp, login, offlineLogin, registerVerified, resetDatabase, useTestApp, type TestApp } from '../support/test-app';

const SECRET = 'orders-secret-0123456789-0123456789-abcd';
const CLIENTS = new Map([
  ['orders', SECRET],
  ['billing', 'a secret with spaces: and a colon, 32+'],
]);
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const ORDERS = basic('orders', SECRET);

/** docs/api.md "OAuth 2.0 for clients and other services": RFC 7009, RFC 7662 and RFC 8414; security items 66, 67, 69. */
describe('Revocation, introspection and server metadata', () => {
  const t = useTestApp({
    oauth: { introspectionClients: CLIENTS },
    http: { publicUrl: 'https://auth.example.com' },
  });
  let userId: number;

  beforeEach(async () => {
    await resetDatabase(t.db);
    ({ userId } = await registerVerified(t, 'ada@example.com'));
  });

  const me = (token: string) => t.http.get('/users/me').set(bearer(token));
  const revoke = (form: Record<string, string>) => t.http.post('/auth/revoke').type('form').send(form);
  const introspect = (token: string, authorization = ORDERS) =>
    t.http.post('/auth/introspect').set('Authorization', authorization).type('form').send({ token });

  describe('POST /auth/revoke', () => {
    it('ends the session of a refresh token, and answers 200 {} as JSON', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');

      const response = await revoke({ token: pair.refresh, token_type_hint: 'refresh_token' }).expect(200);

      expect(response.body).toEqual({});
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      await me(pair.access).expect(401);
      const refreshed = await t.http.post('/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: pair.refresh });
      expect(refreshed.body).toMatchObject({ code: 'INVALID_GRANT', error: 'invalid_grant' });
    });

    it('ends the session of an access token, refresh token included, whatever the hint says', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');

      await revoke({ token: pair.access, token_type_hint: 'refresh_token', client_id: 'mobile' }).expect(200, {});

      await me(pair.access).expect(401);
      expect(await t.db.query('SELECT id FROM refresh_tokens')).toEqual([]);
      const events = await t.db.query<Array<{ type: string; user_id: number }>>(
        'SELECT type, user_id FROM security_events WHERE type = ?',
        ['token.revoked'],
      );
      expect(events).toEqual([{ type: 'token.revoked', user_id: userId }]);
    });

    it('ends the session of a used refresh token too (holding any token of the family is proof enough)', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');
      const next = await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: pair.refresh })
        .expect(200);

      await revoke({ token: pair.refresh }).expect(200, {});

      await me(next.body.access_token).expect(401);
    });

    it('answers alike for a token known, unknown, already revoked, or not ours at all (no oracle)', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');
      const answers = [];
      for (const token of [pair.access, pair.access, 'nat_' + 'A'.repeat(49), 'nrt_' + 'A'.repeat(49), 'ghp_whatever']) {
        const response = await revoke({ token });
        answers.push([response.status, response.body, response.headers['content-type']]);
      }
      expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
      expect(answers[0][0]).toBe(200);
    });

    it('refuses a form without a token with RFC 6749 members', async () => {
      const response = await revoke({ token_type_hint: 'access_token' }).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', error: 'invalid_request', error_description: expect.any(String) });
    });
  });

  describe('POST /auth/introspect', () => {
    it('describes a live access token with the contract’s fields and no more', async () => {
      const token = await login(t.http, 'ada@example.com');
      const issuedAt = Math.floor(t.clock.now().getTime() / 1000);

      const response = await introspect(token).expect(200);

      expect(response.body).toEqual({
        active: true,
        token_type: 'Bearer',
        scope: 'account',
        sub: String(userId),
        username: 'ada@example.com',
        exp: issuedAt + 86400,
        iat: issuedAt,
        role: 'user',
      });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('gives the time of the latest refresh as iat', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');
      t.clock.advance(3600_000);
      const next = await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: pair.refresh })
        .expect(200);

      const response = await introspect(next.body.access_token).expect(200);

      expect(response.body.iat).toBe(Math.floor(t.clock.now().getTime() / 1000));
    });

    it('answers { active: false } alike for an unknown, an expired, a revoked and a refresh token', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');
      const revoked = await login(t.http, 'ada@example.com');
      await t.http.post('/auth/logout').set(bearer(revoked)).expect(204);
      const expiring = await login(t.http, 'ada@example.com');
      await t.db.query('UPDATE access_tokens SET expires_at = ? WHERE scopes = ? AND refreshable_until IS NULL', [
        t.clock.now(),
        'account',
      ]);

      for (const token of [pair.refresh, revoked, expiring, 'nat_' + 'A'.repeat(49), 'garbage']) {
        const response = await introspect(token).expect(200);
        expect(response.body).toEqual({ active: false });
      }
      await introspect(pair.access).expect(200, /"active":true/);
    });

    it('introspects a personal access token like any access token', async () => {
      const session = await login(t.http, 'ada@example.com');
      const personal = await t.http
        .post('/auth/tokens')
        .set(bearer(session))
        .send({ name: 'ci', scopes: ['account'] })
        .expect(201);

      const response = await introspect(personal.body.token).expect(200);

      expect(response.body).toMatchObject({ active: true, scope: 'account', sub: String(userId) });
    });

    it('takes client ids and secrets form-urlencoded before base64 (RFC 6749 §2.3.1)', async () => {
      const token = await login(t.http, 'ada@example.com');
      await introspect(token, basic('billing', 'a secret with spaces: and a colon, 32+')).expect(200, /"active":true/);
    });

    it.each([
      ['no credentials', undefined],
      ['a wrong secret', basic('orders', SECRET.slice(0, -1) + 'X')],
      ['an unknown client', basic('shipping', SECRET)],
      ['credentials that are not base64', 'Basic %%%not-base64%%%'],
      ['credentials without a colon', `Basic ${Buffer.from('orders').toString('base64')}`],
      ['10 KB of credentials', `Basic ${Buffer.from(`orders:${'x'.repeat(10_000)}`).toString('base64')}`],
      ['a bearer token instead', 'Bearer nat_x'],
    ])('refuses %s: 401 with WWW-Authenticate: Basic and invalid_client', async (_case, authorization) => {
      const token = await login(t.http, 'ada@example.com');
      const request = t.http.post('/auth/introspect').type('form');
      if (authorization !== undefined) request.set('Authorization', authorization);

      const response = await request.send({ token }).expect(401);

      expect(response.headers['www-authenticate']).toMatch(/^Basic /);
      expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED', error: 'invalid_client', error_description: expect.any(String) });
      expect(JSON.stringify(response.body)).not.toContain('ada@example.com');
    });

    it('takes no client credentials from the form, only from Basic', async () => {
      const token = await login(t.http, 'ada@example.com');
      await t.http.post('/auth/introspect').type('form').send({ token, client_id: 'orders', client_secret: SECRET }).expect(401);
    });
  });

  describe('GET /.well-known/oauth-authorization-server', () => {
    it('names PUBLIC_URL as issuer and the endpoints this service has', async () => {
      const response = await t.http.get('/.well-known/oauth-authorization-server').expect(200);

      expect(response.body).toEqual({
        issuer: 'https://auth.example.com',
        token_endpoint: 'https://auth.example.com/auth/token',
        revocation_endpoint: 'https://auth.example.com/auth/revoke',
        introspection_endpoint: 'https://auth.example.com/auth/introspect',
        grant_types_supported: ['password', 'refresh_token'],
        scopes_supported: expect.arrayContaining(['account', 'admin', 'offline_access']),
        response_types_supported: [],
        token_endpoint_auth_methods_supported: ['none'],
        revocation_endpoint_auth_methods_supported: ['none'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    });
  });

  describe('the token endpoint’s errors (RFC 6749 §5.2)', () => {
    it('gives a wrong password and an unknown email the same invalid_grant', async () => {
      const wrong = await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'ada@example.com', password: 'not the password at all' });
      const unknown = await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'nobody@example.com', password: 'not the password at all' });

      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS', error: 'invalid_grant' });
    });

    it.each([
      ['an unknown grant_type', 'grant_type=client_credentials', 'UNSUPPORTED_GRANT_TYPE', 'unsupported_grant_type'],
      [
        'a repeated grant_type',
        'grant_type=password&grant_type=password&username=ada%40example.com&password=x',
        'VALIDATION_FAILED',
        'invalid_request',
      ],
      ['a refresh without its token', 'grant_type=refresh_token', 'VALIDATION_FAILED', 'invalid_request'],
      ['an empty refresh token', 'grant_type=refresh_token&refresh_token=', 'VALIDATION_FAILED', 'invalid_request'],
      ['a 10 KB refresh token', `grant_type=refresh_token&refresh_token=${'a'.repeat(10_000)}`, 'VALIDATION_FAILED', 'invalid_request'],
      ['a malformed refresh token', 'grant_type=refresh_token&refresh_token=nrt_nope', 'INVALID_GRANT', 'invalid_grant'],
      ['a password grant without a password', 'username=ada%40example.com', 'VALIDATION_FAILED', 'invalid_request'],
    ])('%s', async (_case, form, code, error) => {
      const response = await t.http.post('/auth/token').type('form').send(form).expect(400);
      expect(response.body).toMatchObject({
        statusCode: 400,
        code,
        message: expect.any(String),
        error,
        error_description: expect.any(String),
      });
      expect(response.body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
    });

    it('gives a body that does not parse invalid_request too', async () => {
      const response = await t.http.post('/auth/token').set('Content-Type', 'application/json').send('{"email": ').expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', error: 'invalid_request' });
    });

    it('adds nothing to the errors of other routes', async () => {
      const response = await t.http.get('/users/me').expect(401);
      expect(response.body.error).toBeUndefined();
    });
  });

  describe('throttling (five failures a client)', () => {
    const th = useTestApp({ oauth: { introspectionClients: CLIENTS }, throttling: { loginFailuresPerClient: 5 } });
    const me = (token: string) => th.http.get('/users/me').set(bearer(token));
    const revoke = (form: Record<string, string>) => th.http.post('/auth/revoke').type('form').send(form);
    const introspect = (token: string, authorization = ORDERS) =>
      th.http.post('/auth/introspect').set('Authorization', authorization).type('form').send({ token });

    beforeEach(async () => {
      await resetDatabase(th.db);
      await registerVerified(th, 'ada@example.com');
    });
    // The windows are in process: each test starts past the previous one's.
    afterEach(() => th.clock.advance(3600_000));

    it('throttles a client that sends tokens matching nothing, for every token alike', async () => {
      const pair = await offlineLogin(th.http, 'ada@example.com');
      for (let attempt = 0; attempt < 5; attempt++) await revoke({ token: `nrt_${'B'.repeat(48)}${attempt}` }).expect(200);

      const refused = await revoke({ token: pair.access }).expect(429);

      expect(refused.headers['retry-after']).toBeDefined();
      await me(pair.access).expect(200);
    });

    it('throttles failed client authentications per client address, then refuses the right secret too', async () => {
      const token = await login(th.http, 'ada@example.com');
      for (let attempt = 0; attempt < 5; attempt++)
        await introspect(token, basic('orders', `wrong-${attempt}`.padEnd(40, 'x'))).expect(401);

      const refused = await introspect(token).expect(429);

      expect(refused.headers['retry-after']).toBeDefined();
    });
  });

  describe('without INTROSPECTION_CLIENTS', () => {
    const bare = useTestApp();

    it('answers 401 to everyone', async () => {
      await resetDatabase(bare.db);
      await registerVerified(bare, 'bob@example.com');
      const token = await login(bare.http, 'bob@example.com');
      await bare.http.post('/auth/introspect').set('Authorization', ORDERS).type('form').send({ token }).expect(401);
    });
  });
});

/** docs/api.md: a refresh and a logout made on one instance reach the other within a read of the revocation log. */
describe('Refresh and introspection across two instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({ oauth: { introspectionClients: CLIENTS } });
    b = await createTestApp({ oauth: { introspectionClients: CLIENTS } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
  beforeEach(async () => {
    await resetDatabase(a.db);
    await registerVerified(a, 'ada@example.com');
  });

  it('a refresh on A: the previous access token, cached on B, is refused there once B reads the log', async () => {
    const pair = await offlineLogin(a.http, 'ada@example.com');
    await b.http.get('/users/me').set(bearer(pair.access)).expect(200);

    const next = await a.http
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: pair.refresh })
      .expect(200);
    await b.http.get('/users/me').set(bearer(next.body.access_token)).expect(200);
    await b.app.get(RevocationFeed).poll();

    await b.http.get('/users/me').set(bearer(pair.access)).expect(401);
    await b.http.get('/users/me').set(bearer(next.body.access_token)).expect(200);
  });

  it('a logout on A: introspection on B, which had cached the token, sees it once B reads the log', async () => {
    const token = await login(a.http, 'ada@example.com');
    const ask = () => b.http.post('/auth/introspect').set('Authorization', ORDERS).type('form').send({ token }).expect(200);
    expect((await ask()).body.active).toBe(true);

    await a.http.post('/auth/logout').set(bearer(token)).expect(204);
    await b.app.get(RevocationFeed).poll();

    expect((await ask()).body).toEqual({ active: false });
  });
});
