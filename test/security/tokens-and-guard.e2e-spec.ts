import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AccessTokenIssuer } from '../../src/auth/tokens/access-token.issuer';
import { AccessTokensRepository } from '../../src/auth/tokens/access-tokens.repository';
import { LogCapture } from '../support/log-capture';
import { sendRaw } from '../support/raw-request';
import { cookieLogin } from '../support/session-cookies';
import { bearer, createTestApp, login, PASSWORD, registerAndLogin, resetDatabase, rowCounts, TestApp } from '../support/test-app';

/** docs/security.md, "Tokens" and "Guard and logout" (items 15-24). */
const EMAIL = 'ada@example.com';
const TOKEN_FORMAT = /^nat_[A-Za-z0-9_-]{49}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const flipCaseAt = (token: string, index: number) => {
  const character = token[index];
  const flipped = character === character.toUpperCase() ? character.toLowerCase() : character.toUpperCase();
  return token.slice(0, index) + flipped + token.slice(index + 1);
};

describe('Security checklist: tokens, guard and logout', () => {
  let t: TestApp;
  let token: string;
  let userId: number;

  beforeAll(async () => {
    t = await createTestApp({ auth: { accessTokenTtlSeconds: 5, tokenCacheTtlMs: 0 } });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t.db);
    ({ token, userId } = await registerAndLogin(t.http, EMAIL));
  });

  it('item 15: 256 random bits, base64url with a fixed prefix: 1,000 tokens are distinct, of one length and alphabet', async () => {
    const service = t.app.get(AccessTokenIssuer);
    const issued = [token];
    // A fresh account's security stamp is 0.
    for (let i = 0; i < 999; i++) issued.push((await service.issue(userId, ['account'], 0)).token);

    expect(new Set(issued).size).toBe(1000);
    for (const value of issued) expect(value).toMatch(TOKEN_FORMAT);
    // 43 base64url characters carry the 32 random bytes; the last 6 are a checksum.
    expect(Buffer.from(issued[1].slice(4, 47), 'base64url')).toHaveLength(32);
  });

  it('item 16: each login issues a new token; an old one presented at login is not reused', async () => {
    const again = await t.http.post('/auth/token').set(bearer(token)).send({ email: EMAIL, password: PASSWORD }).expect(200);
    expect(again.body.access_token).not.toBe(token);
    const tokens = await Promise.all(Array.from({ length: 4 }, () => login(t.http, EMAIL)));
    expect(new Set([token, again.body.access_token, ...tokens]).size).toBe(6);
    for (const each of tokens) await t.http.get('/users/me').set(bearer(each)).expect(200);
  });

  it('item 17: only the SHA-256 is stored, in a BINARY(32) UNIQUE column; one flipped case → 401 invalid_token', async () => {
    const rows: Array<Record<string, unknown>> = await t.db.query('SELECT * FROM access_tokens');
    expect(rows).toHaveLength(1);
    expect((rows[0].token_hash as Buffer).equals(sha256(token))).toBe(true);
    for (const value of Object.values(rows[0])) {
      const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
      expect(text).not.toContain(token.slice(4, 20));
    }
    const [column] = await t.db.query(
      "SELECT COLUMN_TYPE AS type, COLUMN_KEY AS `key` FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'access_tokens' AND COLUMN_NAME = 'token_hash'",
    );
    expect(column).toEqual({ type: 'binary(32)', key: 'UNI' });

    const index = [...token].findIndex((character, i) => i >= 4 && i < 47 && /[a-z]/i.test(character));
    const response = await t.http
      .get('/users/me')
      .set(bearer(flipCaseAt(token, index)))
      .expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(response.body).toEqual({ statusCode: 401, code: 'INVALID_TOKEN', message: expect.any(String) });
  });

  it('item 18: with a 5 s lifetime, 200 at 4 s and 401 at 6 s, by the injected clock', async () => {
    t.clock.advance(4_000);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    t.clock.advance(2_000);
    const expired = await t.http.get('/users/me').set(bearer(token)).expect(401);
    expect(expired.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('item 19: a token in the query string is ignored', async () => {
    for (const name of ['access_token', 'token', 'bearer']) {
      const response = await t.http.get(`/users/me?${name}=${token}`).expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('item 20: logs name login success and failure with the user id, and never hold a password, token, Authorization or Cookie', async () => {
    const logs = new LogCapture();
    const logged = await createTestApp({ logs });
    let issued: string;
    try {
      await logged.http.post('/auth/register').send({ email: 'logs@example.com', password: PASSWORD }).expect(201);
      await logged.http.post('/auth/token').send({ email: 'logs@example.com', password: 'a wrong passphrase' }).expect(401);
      issued = await login(logged.http, 'logs@example.com');
      const session = await cookieLogin(logged.http, 'logs@example.com');
      await logged.http.get('/users/me').set(bearer(issued)).expect(200);
      await logged.http.get('/users/me').set('Cookie', session.cookie).expect(200);
      await logged.http
        .patch('/users/me')
        .set(bearer(issued))
        .send({ password: 'another long passphrase', currentPassword: PASSWORD })
        .expect(200);
      await logged.http.get('/users/me').set('Authorization', `Bearer ${issued}x`).expect(401);
      await logged.http.post('/auth/logout').set(bearer(issued)).expect(204);
      await logged.close();

      const log = logs.text();
      for (const secret of [
        PASSWORD,
        'a wrong passphrase',
        'another long passphrase',
        issued,
        issued.slice(4, 24),
        session.token,
        session.csrf,
      ]) {
        expect(log).not.toContain(secret);
      }
      expect(log).not.toMatch(/"(authorization|cookie|set-cookie)"\s*:|Bearer nat_|__Host-session=/i);
      const names = logs.lines().map((line) => line.event);
      expect(names).toEqual(expect.arrayContaining(['user.registered', 'login.failed', 'login.succeeded', 'password.changed', 'logout']));
      expect(logs.lines().find((line) => line.event === 'login.succeeded')?.userId).toEqual(expect.any(Number));
    } finally {
      // Nest's Logger is process-wide: give the suite's other app back its errors-only console.
      Logger.overrideLogger(['error']);
    }
  });

  it('item 21: token and /users/me answers carry Cache-Control: no-store; every answer nosniff', async () => {
    const answers = [
      await t.http.post('/auth/token').send({ email: EMAIL, password: PASSWORD }),
      await t.http.get('/users/me').set(bearer(token)),
      await t.http.get('/users/me'),
      await t.http.get('/health'),
      await t.http.get('/nowhere'),
      await t.http.post('/auth/register').send({}),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 401, 200, 404, 400]);
    for (const answer of answers) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['cache-control']).toBe('no-store');
    }
  });

  describe('item 22: the guard fails closed with 401 and WWW-Authenticate: Bearer, never a 500', () => {
    it.each([
      ['no header', undefined, 'Bearer'],
      ['Bearer alone', 'Bearer', 'Bearer'],
      ['Bearer and an empty token', 'Bearer ', 'Bearer'],
      ['Basic credentials', 'Basic dXNlcjpwYXNz', 'Bearer'],
      ['another scheme', 'Token abc', 'Bearer'],
      ['a random well-shaped token', 'Bearer nat_' + 'A'.repeat(49), 'Bearer error="invalid_token"'],
      ['two spaces', 'Bearer  {token}', 'Bearer error="invalid_token"'],
      ['a trailing word', 'Bearer {token} x', 'Bearer error="invalid_token"'],
      ['two credentials in one header', 'Bearer {token},Bearer {token}', 'Bearer error="invalid_token"'],
    ])('%s', async (_case, header, challenge) => {
      const call = t.http.get('/users/me');
      if (header !== undefined) call.set('Authorization', header.replaceAll('{token}', token));
      const response = await call.expect(401);
      expect(response.headers['www-authenticate']).toBe(challenge);
      expect(response.body.statusCode).toBe(401);
    });

    it('matches the scheme case-insensitively', async () => {
      await t.http.get('/users/me').set('Authorization', `bearer ${token}`).expect(200);
      await t.http.get('/users/me').set('Authorization', `BEARER ${token}`).expect(200);
    });

    it('two Authorization headers, even when the first is valid', async () => {
      const valid = `Bearer ${token}`;
      const once = await sendRaw(t, { method: 'GET', path: '/users/me', headers: ['Authorization', valid] });
      const twice = await sendRaw(t, { method: 'GET', path: '/users/me', headers: ['Authorization', valid, 'Authorization', valid] });
      expect([once.status, twice.status]).toEqual([200, 401]);
    });

    it.each([
      ['10 KB of junk', () => 'A'.repeat(10_240)],
      ['a %00 inside', (valid: string) => `${valid.slice(0, 20)}%00${valid.slice(23)}`],
      ['characters outside base64url', (valid: string) => `${valid.slice(0, 20)}!*${valid.slice(22)}`],
      ['length 1', () => 'x'],
      ['length 1,000', () => 'nat_' + 'a'.repeat(996)],
      ['a broken checksum', (valid: string) => valid.slice(0, -1) + (valid.endsWith('A') ? 'B' : 'A')],
    ])('a malformed token (%s), with no database query', async (_case, malform) => {
      const lookup = jest.spyOn(t.app.get(AccessTokensRepository), 'findWithOwnerByDigest');
      try {
        await t.http
          .get('/users/me')
          .set('Authorization', `Bearer ${malform(token)}`)
          .expect(401);
        expect(lookup).not.toHaveBeenCalled();
      } finally {
        lookup.mockRestore();
      }
    });

    it("a revoked, an expired and a deleted user's token", async () => {
      const revoked = await login(t.http, EMAIL);
      await t.http.post('/auth/logout').set(bearer(revoked)).expect(204);
      const other = await registerAndLogin(t.http, 'gone@example.com');
      await t.db.query('DELETE FROM users WHERE id = ?', [other.userId]);
      for (const dead of [revoked, other.token]) {
        const response = await t.http.get('/users/me').set(bearer(dead)).expect(401);
        expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      }
      t.clock.advance(6_000);
      await t.http.get('/users/me').set(bearer(token)).expect(401);
    });
  });

  it("item 23: logout → 204, then the token → 401, while the user's other token still works", async () => {
    const other = await login(t.http, EMAIL);
    await t.http.post('/auth/logout').set(bearer(token)).expect(204);
    const after = await t.http.get('/users/me').set(bearer(token)).expect(401);
    expect(after.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    await t.http.post('/auth/logout').set(bearer(token)).expect(401);
    await t.http.get('/users/me').set(bearer(other)).expect(200);
  });

  it('item 24: a password change revokes the other bearer and cookie sessions at once', async () => {
    const session = await cookieLogin(t.http, EMAIL);
    const other = await login(t.http, EMAIL);
    await t.http.patch('/users/me').set(bearer(token)).send({ password: 'a brand new passphrase', currentPassword: PASSWORD }).expect(200);
    await t.http.get('/users/me').set(bearer(other)).expect(401);
    await t.http.get('/users/me').set('Cookie', session.cookie).expect(401);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
  });

  // The contract has no route that deactivates: it happens in the database, as on another instance. With
  // the token cache on, it is seen within TOKEN_CACHE_TTL_MS (test/tokens.e2e-spec.ts, "The token cache").
  it('item 24: deactivation stops every token of the user at once, with the same 401 as a bad token, and blocks login', async () => {
    const session = await cookieLogin(t.http, EMAIL);
    await t.db.query('UPDATE users SET is_active = 0 WHERE id = ?', [userId]);

    const bearerAnswer = await t.http.get('/users/me').set(bearer(token)).expect(401);
    const cookieAnswer = await t.http.get('/users/me').set('Cookie', session.cookie).expect(401);
    const unknownAnswer = await t.http
      .get('/users/me')
      .set(bearer('nat_' + 'A'.repeat(49)))
      .expect(401);
    expect(bearerAnswer.body).toEqual(cookieAnswer.body);
    expect(bearerAnswer.headers['www-authenticate']).toBe(unknownAnswer.headers['www-authenticate']);
    const loginAnswer = await t.http.post('/auth/token').send({ email: EMAIL, password: PASSWORD }).expect(401);
    expect(loginAnswer.body.code).toBe('INVALID_CREDENTIALS');

    await t.db.query('UPDATE users SET is_active = 1 WHERE id = ?', [userId]);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    expect((await rowCounts(t.db)).tokens).toBe(2);
  });
});
