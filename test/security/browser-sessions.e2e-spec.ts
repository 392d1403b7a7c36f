import { sendRaw } from '../support/raw-request';
import { CSRF_COOKIE, cookieLogin, cookieValue, SESSION_COOKIE, setCookies } from '../support/session-cookies';
import { bearer, createTestApp, login, PASSWORD, registerAndLogin, resetDatabase, rowCounts, useTestApp } from '../support/test-app';

/** docs/security.md, "Cookie transport, CSRF, CORS" (items 25-31), against the running service. */
const APP_ORIGIN = 'https://app.example.com';
const EMAIL = 'ada@example.com';
const json = { 'Content-Type': 'application/json' };

describe('Security checklist: cookie transport, CSRF, CORS', () => {
  const t = useTestApp({ http: { corsOrigins: new Set([APP_ORIGIN]) } });

  beforeEach(async () => {
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: EMAIL, password: PASSWORD }).expect(201);
  });

  const tokenRows = async () => (await rowCounts(t.db)).tokens;

  describe('item 25: the session cookie', () => {
    it('is HttpOnly, SameSite=Lax, Path=/, Secure with the __Host- prefix, no Domain, and lives no longer than the token', async () => {
      const response = await t.http.post('/auth/cookie/login').send({ email: EMAIL, password: PASSWORD }).expect(204);
      const cookies = setCookies(response);
      const session = cookies.get(SESSION_COOKIE)!;
      const csrf = cookies.get(CSRF_COOKIE)!;

      const attributes = (line: string) =>
        line
          .split(/;\s*/)
          .slice(1)
          .map((part) => part.split('=')[0].toLowerCase());
      expect(attributes(session)).toEqual(expect.arrayContaining(['max-age', 'path', 'httponly', 'secure', 'samesite']));
      expect(session).toMatch(/; Path=\/(;|$)/);
      expect(session).toMatch(/; SameSite=Lax(;|$)/);
      expect(attributes(session)).not.toContain('domain');
      expect(Number(/Max-Age=(\d+)/.exec(session)![1])).toBeLessThanOrEqual(24 * 3600);
      // The page's script must read the CSRF cookie; it must never read the session.
      expect(attributes(csrf)).toEqual(expect.arrayContaining(['secure', 'samesite', 'path']));
      expect(attributes(csrf)).not.toContain('httponly');
      expect(response.headers['x-csrf-token']).toBe(cookieValue(csrf));
      expect(response.body).toEqual({});
    });

    it('is the access token itself: it authenticates GET /users/me, and logout revokes it and expires both cookies', async () => {
      const session = await cookieLogin(t.http, EMAIL);
      const me = await t.http.get('/users/me').set('Cookie', session.cookie).expect(200);
      expect(me.body).toEqual({
        id: expect.any(Number),
        email: EMAIL,
        emailVerified: false,
        pendingEmail: null,
        mfaEnabled: false,
        role: 'user',
        createdAt: expect.any(String),
      });

      const logout = await t.http.post('/auth/cookie/logout').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf).expect(204);
      for (const line of setCookies(logout).values()) {
        expect(line).toMatch(/^__Host-(session|csrf)=;/);
        expect(line).toMatch(/Expires=Thu, 01 Jan 1970/);
      }
      await t.http.get('/users/me').set('Cookie', session.cookie).expect(401);
      expect(await tokenRows()).toBe(0);
    });

    it('drops Secure and the __Host- prefix only when configured off for local http', async () => {
      const local = await createTestApp({ session: { secureCookies: false } });
      try {
        const response = await local.http.post('/auth/cookie/login').send({ email: EMAIL, password: PASSWORD }).expect(204);
        const names = [...setCookies(response).keys()].sort();
        expect(names).toEqual(['csrf', 'session']);
        for (const line of setCookies(response).values()) expect(line).not.toMatch(/;\s*Secure/i);
      } finally {
        await local.close();
      }
    });
  });

  describe('item 26: signed double-submit CSRF bound to the session', () => {
    it("lets a cookie-authenticated write through with the session's own CSRF token", async () => {
      const session = await cookieLogin(t.http, EMAIL);
      await t.http
        .patch('/users/me')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({ email: 'ada.lovelace@example.com', currentPassword: PASSWORD })
        .expect(200);
    });

    it.each([
      ['without X-CSRF-Token', () => undefined],
      ['with a wrong token', (csrf: string) => `${csrf.slice(0, -2)}AA`],
      ['with the token truncated', (csrf: string) => csrf.slice(0, 30)],
      ['with the nonce swapped for another', (csrf: string) => `AAAAAAAAAAAAAAAAAAAAAA${csrf.slice(22)}`],
    ])('answers 403 CSRF_FAILED to a cookie-authenticated write %s', async (_case, tamper) => {
      const session = await cookieLogin(t.http, EMAIL);
      const csrf = tamper(session.csrf);
      const cookie = csrf === undefined ? session.cookie : `${SESSION_COOKIE}=${session.token}; ${CSRF_COOKIE}=${csrf}`;
      let call = t.http.delete('/auth/tokens').set('Cookie', cookie);
      if (csrf !== undefined) call = call.set('X-CSRF-Token', csrf);
      await call.expect(403).expect((response) => expect(response.body.code).toBe('CSRF_FAILED'));
    });

    it('refuses the valid CSRF token of another session (cookie tossing)', async () => {
      const victim = await cookieLogin(t.http, EMAIL);
      const attacker = await cookieLogin(t.http, EMAIL);
      const tossed = `${SESSION_COOKIE}=${victim.token}; ${CSRF_COOKIE}=${attacker.csrf}`;

      await t.http.delete('/auth/tokens').set('Cookie', tossed).set('X-CSRF-Token', attacker.csrf).expect(403);
      expect(await tokenRows()).toBe(2);
    });

    it('refuses a header that differs from the CSRF cookie, even when each is valid for the session', async () => {
      const session = await cookieLogin(t.http, EMAIL);
      const renewed = await t.http.get('/auth/cookie/csrf').set('Cookie', `${SESSION_COOKIE}=${session.token}`).expect(200);
      const sameSessionCsrf: string = renewed.body.csrfToken;
      expect(sameSessionCsrf).not.toBe(session.csrf);

      await t.http.delete('/auth/tokens').set('Cookie', session.cookie).set('X-CSRF-Token', sameSessionCsrf).expect(403);
      await t.http
        .delete('/auth/tokens')
        .set('Cookie', `${SESSION_COOKIE}=${session.token}; ${CSRF_COOKIE}=${sameSessionCsrf}`)
        .set('X-CSRF-Token', sameSessionCsrf)
        .expect(204);
    });

    it('reads the CSRF token from the header only, never from the body or the query', async () => {
      const session = await cookieLogin(t.http, EMAIL);
      await t.http.delete(`/auth/tokens?csrf=${session.csrf}&_csrf=${session.csrf}`).set('Cookie', session.cookie).expect(403);
      await t.http.post('/auth/cookie/logout').set('Cookie', session.cookie).send({ _csrf: session.csrf }).expect(403);
    });

    it("hands a page its session's CSRF token again: the cookie's own when valid, else a new one in the cookie", async () => {
      const session = await cookieLogin(t.http, EMAIL);
      const again = await t.http.get('/auth/cookie/csrf').set('Cookie', session.cookie).expect(200);
      expect(again.body).toEqual({ csrfToken: session.csrf });
      expect(again.headers['x-csrf-token']).toBe(session.csrf);
      expect(again.headers['set-cookie']).toBeUndefined();

      const lost = await t.http
        .get('/auth/cookie/csrf')
        .set('Cookie', `${SESSION_COOKIE}=${session.token}; ${CSRF_COOKIE}=forged`)
        .expect(200);
      const renewed: string = lost.body.csrfToken;
      expect(renewed).not.toBe(session.csrf);
      expect(cookieValue(setCookies(lost).get(CSRF_COOKIE)!)).toBe(renewed);
      await t.http
        .delete('/auth/tokens')
        .set('Cookie', `${SESSION_COOKIE}=${session.token}; ${CSRF_COOKIE}=${renewed}`)
        .set('X-CSRF-Token', renewed)
        .expect(204);
    });

    it('exempts bearer requests, and cookie-authenticated reads', async () => {
      const token = await login(t.http, EMAIL);
      await t.http.delete('/auth/tokens').set(bearer(token)).expect(204);
      const session = await cookieLogin(t.http, EMAIL);
      await t.http.get('/auth/tokens').set('Cookie', session.cookie).expect(200);
    });
  });

  describe('item 27: simple content types on cookie-authenticated writes', () => {
    it.each([
      ['text/plain', `{"email":"evil@example.com","currentPassword":"${PASSWORD}"}`],
      ['application/x-www-form-urlencoded', `email=evil%40example.com&currentPassword=${encodeURIComponent(PASSWORD)}`],
      ['multipart/form-data; boundary=b', `--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nevil@example.com\r\n--b--`],
    ])(
      'answers %s with 415, even with a valid CSRF token and the right current password, and changes nothing',
      async (contentType, body) => {
        const session = await cookieLogin(t.http, EMAIL);
        await t.http
          .patch('/users/me')
          .set('Cookie', session.cookie)
          .set('X-CSRF-Token', session.csrf)
          .set('Content-Type', contentType)
          .send(body)
          .expect(415);
        const [row] = await t.db.query('SELECT email FROM users');
        expect(row.email).toBe(EMAIL);
      },
    );

    it('answers a bodiless form-typed write with 415 too', async () => {
      const session = await cookieLogin(t.http, EMAIL);
      await login(t.http, EMAIL);
      await t.http
        .delete('/auth/tokens')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .expect(415);
      expect(await tokenRows()).toBe(2);
    });
  });

  describe('item 28: a bearer header and a session cookie together', () => {
    it('answers 400 when they carry different tokens', async () => {
      const session = await cookieLogin(t.http, EMAIL);
      const token = await login(t.http, EMAIL);
      const response = await t.http.get('/users/me').set(bearer(token)).set('Cookie', session.cookie).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    });

    it('never falls back to the cookie when the Authorization header is bad', async () => {
      const session = await cookieLogin(t.http, EMAIL);
      const attempts = [
        t.http.get('/users/me').set('Authorization', 'Bearer nat_forged').set('Cookie', session.cookie),
        t.http.get('/users/me').set('Authorization', 'Basic eDp5').set('Cookie', session.cookie),
        t.http.delete('/auth/tokens').set('Authorization', 'Bearer ').set('Cookie', session.cookie),
      ];
      for (const response of await Promise.all(attempts)) expect([400, 401]).toContain(response.status);
      await login(t.http, EMAIL);
      expect(await tokenRows()).toBe(2);
    });

    it('accepts the same token in both, as a bearer request', async () => {
      const session = await cookieLogin(t.http, EMAIL);
      await t.http.get('/users/me').set(bearer(session.token)).set('Cookie', session.cookie).expect(200);
    });
  });

  describe('item 29: CORS', () => {
    it('grants an allowed origin its exact echo, with credentials and Vary: Origin', async () => {
      const response = await t.http.get('/health').set('Origin', APP_ORIGIN).expect(200);
      expect(response.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(response.headers['access-control-allow-credentials']).toBe('true');
      expect(response.headers.vary).toMatch(/\bOrigin\b/);
    });

    it('answers an allowed preflight with the methods and headers a page needs', async () => {
      const response = await t.http
        .options('/users/me')
        .set('Origin', APP_ORIGIN)
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'content-type, x-csrf-token');
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(response.headers['access-control-allow-methods']).toMatch(/PATCH/);
      expect(response.headers['access-control-allow-headers']).toMatch(/X-CSRF-Token/i);
    });

    it.each([
      'null',
      'https://app.example.com.evil.com',
      'https://evil.example.com',
      'http://app.example.com',
      'https://app.example.com:8443',
      'https://APP.example.com',
    ])('grants %s nothing, on simple requests and preflights', async (origin) => {
      const simple = await t.http.get('/health').set('Origin', origin);
      const preflight = await t.http.options('/users/me').set('Origin', origin).set('Access-Control-Request-Method', 'PATCH');
      for (const response of [simple, preflight]) {
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
        expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      }
    });

    it('never answers * , whatever the origin', async () => {
      for (const origin of [APP_ORIGIN, 'https://evil.example.com', '*']) {
        const response = await t.http.get('/health').set('Origin', origin);
        expect(response.headers['access-control-allow-origin']).not.toBe('*');
      }
    });
  });

  describe('item 30: errors never carry internals', () => {
    it('answers a duplicate email, bad JSON, an unknown route and bad credentials with the contract body only', async () => {
      const responses = [
        await t.http.post('/auth/register').send({ email: EMAIL, password: PASSWORD }),
        await t.http.post('/auth/register').set(json).send('{"email":'),
        await t.http.get('/nowhere'),
        await t.http.post('/auth/token').send({ email: EMAIL, password: 'wrong password' }),
        await t.http.delete('/auth/tokens/99999999999999999999').set(bearer(await login(t.http, EMAIL))),
      ];
      expect(responses.map((response) => response.status)).toEqual([409, 400, 404, 401, 404]);
      for (const response of responses) {
        expect(Object.keys(response.body).sort()).toEqual(expect.arrayContaining(['code', 'message', 'statusCode']));
        const text = JSON.stringify(response.body);
        expect(text).not.toMatch(/\bat \S+ \(|stack|ER_[A-Z_]+|SELECT|INSERT|mysql:\/\/|QueryFailedError|TypeORM|\/work\//i);
      }
    });
  });

  describe('item 31: login CSRF', () => {
    it.each([
      ['an Origin outside CORS_ORIGINS', ['Origin', 'https://evil.example.com']],
      ['Origin: null', ['Origin', 'null']],
      ['Sec-Fetch-Site: cross-site', ['Sec-Fetch-Site', 'cross-site']],
      ['Sec-Fetch-Site: same-site without an allowed Origin', ['Sec-Fetch-Site', 'same-site']],
    ])('refuses a cookie login with %s (403) and sets no cookie', async (_case, [name, value]) => {
      const response = await t.http.post('/auth/cookie/login').set(name, value).send({ email: EMAIL, password: PASSWORD });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('CSRF_FAILED');
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(await tokenRows()).toBe(0);
    });

    it('refuses two Origin headers even when one is allowed', async () => {
      const response = await sendRaw(t, {
        method: 'POST',
        path: '/auth/cookie/login',
        headers: ['Origin', APP_ORIGIN, 'Origin', 'https://evil.example.com', 'Content-Type', 'application/json'],
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      });
      expect(response.status).toBe(403);
    });

    it('lets an allowed origin log in, same-origin and non-browser clients too', async () => {
      await t.http
        .post('/auth/cookie/login')
        .set('Origin', APP_ORIGIN)
        .set('Sec-Fetch-Site', 'same-site')
        .send({ email: EMAIL, password: PASSWORD })
        .expect(204);
      await t.http.post('/auth/cookie/login').set('Sec-Fetch-Site', 'same-origin').send({ email: EMAIL, password: PASSWORD }).expect(204);
      await t.http.post('/auth/cookie/login').send({ email: EMAIL, password: PASSWORD }).expect(204);
    });

    it('gives a wrong password the same 401 as the bearer login', async () => {
      const response = await t.http.post('/auth/cookie/login').send({ email: EMAIL, password: 'wrong password' }).expect(401);
      expect(response.body.code).toBe('INVALID_CREDENTIALS');
      expect(response.headers['set-cookie']).toBeUndefined();
    });
  });

  it('registerAndLogin still works alongside (a user of the bearer transport is unaffected)', async () => {
    const { token } = await registerAndLogin(t.http, 'grace@example.com');
    await t.http.get('/users/me').set(bearer(token)).expect(200);
  });
});
