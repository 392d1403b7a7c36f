import { createHash } from 'node:crypto';
import { DeadRowPruner } from '../../src/database/dead-row.pruner';
import {
  bearer,
  createTestApp,
  useApp,
  login,
  offlineLogin,
  makeAdmin,
  PASSWORD,
  registerAndLogin,
  registerVerified,
  resetDatabase,
  turnMfaOn,
  useTestApp,
  type TestApp,
} from '../support/test-app';
import { linkTokenOf, SmtpSink } from '../support/smtp-sink';
import { totpOf } from '../support/totp';

const REFRESH_TOKEN = /^nrt_[A-Za-z0-9_-]{49}$/;
const HOUR_MS = 3600_000;

interface Pair {
  access: string;
  refresh: string;
}

const refresh = (t: TestApp, refreshToken: string, scope?: string) =>
  t.http
    .post('/auth/token')
    .type('form')
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(scope === undefined ? {} : { scope }) });

async function rotated(t: TestApp, refreshToken: string, scope?: string): Promise<Pair> {
  const response = await refresh(t, refreshToken, scope).expect(200);
  return { access: response.body.access_token, refresh: response.body.refresh_token };
}

function expectInvalidGrant(response: { status: number; body: Record<string, unknown> }): void {
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ code: 'INVALID_GRANT', error: 'invalid_grant', error_description: expect.any(String) });
}

/** docs/api.md "OAuth 2.0 for clients and other services": refresh tokens, their sessions and their rotation. */
describe('Refresh tokens: POST /auth/token with offline_access and grant_type=refresh_token', () => {
  const t = useTestApp({ oauth: { refreshTokenTtlSeconds: 48 * 3600, sessionMaxAgeSeconds: 144 * 3600, refreshReuseGraceSeconds: 10 } });
  let userId: number;

  beforeEach(async () => {
    await resetDatabase(t.db);
    const registered = await registerVerified(t, 'ada@example.com');
    userId = registered.userId;
    await t.http.post('/auth/logout').set(bearer(registered.token)).expect(204);
  });

  const me = (token: string) => t.http.get('/users/me').set(bearer(token));
  const sessions = async (token: string) => (await t.http.get('/auth/tokens').set(bearer(token)).expect(200)).body as Array<{ id: number }>;

  describe('the login', () => {
    it('gives a refresh token beside the access token for offline_access, with every scope the user may have', async () => {
      const response = await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'ada@example.com', password: PASSWORD, scope: 'offline_access' })
        .expect(200);

      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 86400,
        refresh_token: expect.stringMatching(REFRESH_TOKEN),
      });
      expect(response.headers['cache-control']).toBe('no-store');
      const [stored] = await t.db.query<Array<{ token_hash: Buffer; scopes: string }>>('SELECT token_hash, scopes FROM refresh_tokens');
      expect(stored.token_hash.equals(createHash('sha256').update(response.body.refresh_token).digest())).toBe(true);
      expect(stored.scopes).toBe('account');
    });

    it('gives none without offline_access, nor to a cookie session', async () => {
      const plain = await t.http.post('/auth/token').type('form').send({ username: 'ada@example.com', password: PASSWORD }).expect(200);
      const cookie = await t.http
        .post('/auth/cookie/login')
        .type('form')
        .send({ username: 'ada@example.com', password: PASSWORD, scope: 'offline_access' })
        .expect(204);

      expect(plain.body.refresh_token).toBeUndefined();
      expect(JSON.stringify(cookie.headers)).not.toMatch(/nrt_/);
      expect(await t.db.query('SELECT id FROM refresh_tokens')).toEqual([]);
    });

    it('narrows to the other scopes named, offline_access being none', async () => {
      await makeAdmin(t, userId);
      const response = await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'ada@example.com', password: PASSWORD, scope: 'offline_access account' })
        .expect(200);

      expect(response.body.scope).toBe('account');
      expect(response.body.refresh_token).toMatch(REFRESH_TOKEN);
      await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'ada@example.com', password: PASSWORD, scope: 'offline_access offline_access' })
        .expect(400);
    });

    it('hands it out after the second factor, for a user with MFA on', async () => {
      const { secret } = await turnMfaOn(t.http, await login(t.http, 'ada@example.com'), t.clock.now());
      const first = await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'ada@example.com', password: PASSWORD, scope: 'offline_access' })
        .expect(403);
      t.clock.advance(30_000);

      const finished = await t.http
        .post('/auth/mfa/verify')
        .send({ mfaToken: first.body.mfaToken, code: totpOf(secret, t.clock.now()) })
        .expect(200);

      expect(finished.body.refresh_token).toMatch(REFRESH_TOKEN);
      await rotated(t, finished.body.refresh_token);
    });
  });

  describe('rotation', () => {
    it('gives a new pair once; the previous access token ends; the session keeps its one entry and its id', async () => {
      const first = await offlineLogin(t.http, 'ada@example.com');
      const [{ id }] = await sessions(first.access);

      const second = await rotated(t, first.refresh);
      const third = await rotated(t, second.refresh);

      expect(third.refresh).toMatch(REFRESH_TOKEN);
      expect(new Set([first.access, second.access, third.access]).size).toBe(3);
      await me(first.access).expect(401);
      await me(second.access).expect(401);
      await me(third.access).expect(200);
      expect(await sessions(third.access)).toEqual([expect.objectContaining({ id, current: true })]);
    });

    it('answers a second use within REFRESH_REUSE_GRACE with a plain 400, and ends nothing', async () => {
      const first = await offlineLogin(t.http, 'ada@example.com');
      const second = await rotated(t, first.refresh);
      t.clock.advance(10_000);

      expectInvalidGrant(await refresh(t, first.refresh));

      await me(second.access).expect(200);
      await rotated(t, second.refresh);
      const events = await t.db.query<Array<{ type: string }>>("SELECT type FROM security_events WHERE type = 'refresh_token.reused'");
      expect(events).toEqual([]);
    });

    it('ends the whole session when a used refresh token comes back after the grace, and records refresh_token.reused', async () => {
      const first = await offlineLogin(t.http, 'ada@example.com');
      const other = await offlineLogin(t.http, 'ada@example.com');
      const second = await rotated(t, first.refresh);
      t.clock.advance(10_001);

      expectInvalidGrant(await refresh(t, first.refresh));

      await me(second.access).expect(401);
      expectInvalidGrant(await refresh(t, second.refresh));
      await me(other.access).expect(200);
      expect(await t.db.query('SELECT user_id FROM security_events WHERE type = ?', ['refresh_token.reused'])).toEqual([
        { user_id: userId },
      ]);
      const events = await t.http.get('/users/me/security-events').set(bearer(other.access)).expect(200);
      expect(events.body.items.map((event: { type: string }) => event.type)).toContain('refresh_token.reused');
    });

    it('gives exactly one new pair to concurrent refreshes of one token; the others get 400 and the session lives', async () => {
      const first = await offlineLogin(t.http, 'ada@example.com');

      const answers = await Promise.all(Array.from({ length: 6 }, () => refresh(t, first.refresh)));

      const won = answers.filter((answer) => answer.status === 200);
      expect(won).toHaveLength(1);
      for (const lost of answers.filter((answer) => answer.status !== 200)) expectInvalidGrant(lost);
      await me(won[0].body.access_token).expect(200);
      await rotated(t, won[0].body.refresh_token);
    });

    it('lives REFRESH_TOKEN_TTL from each rotation, and no refresh outlives SESSION_MAX_AGE from the login', async () => {
      let pair = await offlineLogin(t.http, 'ada@example.com');
      t.clock.advance(48 * HOUR_MS);
      expectInvalidGrant(await refresh(t, pair.refresh));

      pair = await offlineLogin(t.http, 'ada@example.com');
      t.clock.advance(47 * HOUR_MS);
      pair = await rotated(t, pair.refresh);
      t.clock.advance(47 * HOUR_MS);
      pair = await rotated(t, pair.refresh);
      t.clock.advance(47 * HOUR_MS);
      pair = await rotated(t, pair.refresh);
      // 141 hours after the login: the new refresh token is cut to the session's 144 hours, not given 48 more.
      const [{ expires_at }] = await t.db.query<Array<{ expires_at: Date }>>(
        'SELECT expires_at FROM refresh_tokens ORDER BY id DESC LIMIT 1',
      );
      expect(expires_at.getTime() - t.clock.now().getTime()).toBe(3 * HOUR_MS);
      t.clock.advance(3 * HOUR_MS);
      expectInvalidGrant(await refresh(t, pair.refresh));
    });

    it('keeps a session whose access token expired while its refresh token lives: listed, not pruned, and refreshable', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');
      const watcher = await login(t.http, 'ada@example.com');
      t.clock.advance(25 * HOUR_MS - 1);
      const fresh = await login(t.http, 'ada@example.com');
      t.clock.advance(HOUR_MS);

      await t.app.get(DeadRowPruner).prune();

      await me(pair.access).expect(401);
      await me(watcher).expect(401);
      expect((await sessions(fresh)).length).toBe(2);
      await rotated(t, pair.refresh);
    });
  });

  describe('item 65: scopes', () => {
    beforeEach(() => makeAdmin(t, userId));

    it('may narrow on a refresh, never widen, and a narrowed session stays narrow', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com', 'account admin offline_access');

      const narrowed = await refresh(t, pair.refresh, 'account offline_access').expect(200);
      expect(narrowed.body.scope).toBe('account');
      await t.http.get('/admin/users').set(bearer(narrowed.body.access_token)).expect(403);

      const wider = await refresh(t, narrowed.body.refresh_token, 'account admin');
      expect(wider.status).toBe(400);
      expect(wider.body).toMatchObject({ code: 'INVALID_SCOPE', error: 'invalid_scope' });
      const same = await refresh(t, narrowed.body.refresh_token).expect(200);
      expect(same.body.scope).toBeUndefined();
      const [{ scopes }] = await t.db.query<Array<{ scopes: string }>>('SELECT scopes FROM access_tokens');
      expect(scopes).toBe('account');
    });

    it('refuses a scope the service does not know', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');
      const response = await refresh(t, pair.refresh, 'nope:read');
      expect(response.body).toMatchObject({ code: 'INVALID_SCOPE', error: 'invalid_scope' });
      await rotated(t, pair.refresh);
    });
  });

  describe('item 65: tokens of one kind are not the other', () => {
    it('refuses a refresh token as a bearer token, and an access token as a refresh token', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');

      await me(pair.refresh).expect(401);
      expectInvalidGrant(await refresh(t, pair.access));
      await rotated(t, pair.refresh);
    });
  });

  describe('item 64: every event that ends access tokens ends refresh tokens too', () => {
    async function adminToken(): Promise<string> {
      const admin = await registerAndLogin(t.http, 'admin@example.com');
      await makeAdmin(t, admin.userId);
      return login(t.http, 'admin@example.com');
    }

    it('a logout, and a revocation by id', async () => {
      const pair = await offlineLogin(t.http, 'ada@example.com');
      await t.http.post('/auth/logout').set(bearer(pair.access)).expect(204);
      expectInvalidGrant(await refresh(t, pair.refresh));

      const other = await offlineLogin(t.http, 'ada@example.com');
      const current = await login(t.http, 'ada@example.com');
      const target = (await sessions(current)).find((session) => !(session as { current?: boolean }).current)!;
      await t.http.delete(`/auth/tokens/${target.id}`).set(bearer(current)).expect(204);
      expectInvalidGrant(await refresh(t, other.refresh));
      expect(await t.db.query('SELECT id FROM refresh_tokens')).toEqual([]);
    });

    it('DELETE /auth/tokens ends the other sessions, and a password change keeps its own session only', async () => {
      const other = await offlineLogin(t.http, 'ada@example.com');
      const own = await offlineLogin(t.http, 'ada@example.com');
      await t.http.delete('/auth/tokens').set(bearer(own.access)).expect(204);
      expectInvalidGrant(await refresh(t, other.refresh));
      const kept = await rotated(t, own.refresh);

      const another = await offlineLogin(t.http, 'ada@example.com');
      await t.http
        .patch('/users/me')
        .set(bearer(kept.access))
        .send({ password: 'another horse battery staple', currentPassword: PASSWORD })
        .expect(200);
      expectInvalidGrant(await refresh(t, another.refresh));
      await rotated(t, kept.refresh);
    });

    it.each([
      ['a deactivation', (admin: string, id: number) => t.http.patch(`/admin/users/${id}`).set(bearer(admin)).send({ isActive: false })],
      ['an admin’s revocation', (admin: string, id: number) => t.http.delete(`/admin/users/${id}/tokens`).set(bearer(admin))],
      ['a deletion', (admin: string, id: number) => t.http.delete(`/admin/users/${id}`).set(bearer(admin))],
    ])('%s', async (_change, change) => {
      const admin = await adminToken();
      const pair = await offlineLogin(t.http, 'ada@example.com');
      const response = await change(admin, userId);
      expect(response.status).toBeLessThan(300);
      expectInvalidGrant(await refresh(t, pair.refresh));
    });

    it('a demotion', async () => {
      const admin = await adminToken();
      await makeAdmin(t, userId);
      const pair = await offlineLogin(t.http, 'ada@example.com');
      await t.http.patch(`/admin/users/${userId}`).set(bearer(admin)).send({ role: 'user' }).expect(200);
      expectInvalidGrant(await refresh(t, pair.refresh));
    });

    it('turning MFA on ends the other sessions', async () => {
      const other = await offlineLogin(t.http, 'ada@example.com');
      const own = await offlineLogin(t.http, 'ada@example.com');
      await turnMfaOn(t.http, own.access, t.clock.now());
      expectInvalidGrant(await refresh(t, other.refresh));
      await rotated(t, own.refresh);
    });
  });

  describe('races', () => {
    it('a refresh racing a logout never leaves a working token', async () => {
      for (let round = 0; round < 8; round++) {
        const pair = await offlineLogin(t.http, 'ada@example.com');
        const [refreshed] = await Promise.all([refresh(t, pair.refresh), t.http.post('/auth/logout').set(bearer(pair.access))]);
        if (refreshed.status === 200) {
          await me(refreshed.body.access_token).expect(401);
          expectInvalidGrant(await refresh(t, refreshed.body.refresh_token));
        } else expectInvalidGrant(refreshed);
      }
    });

    it('a refresh racing a password change made in another session never leaves a working token', async () => {
      let password = PASSWORD;
      for (let round = 0; round < 6; round++) {
        const changer = await login(t.http, 'ada@example.com', password);
        const pair = await offlineLogin(t.http, 'ada@example.com', 'offline_access', password);
        const next = `another horse battery staple ${round}`;
        const [refreshed] = await Promise.all([
          refresh(t, pair.refresh),
          t.http.patch('/users/me').set(bearer(changer)).send({ password: next, currentPassword: password }).expect(200),
        ]);
        password = next;
        if (refreshed.status === 200) {
          await me(refreshed.body.access_token).expect(401);
          expectInvalidGrant(await refresh(t, refreshed.body.refresh_token));
        } else expectInvalidGrant(refreshed);
        await t.http.post('/auth/token').type('form').send({ username: 'ada@example.com', password }).expect(200);
      }
    });
  });
});

describe('item 64: a password reset ends every session, refresh tokens included', () => {
  let sink: SmtpSink;
  const t = useApp(async () => {
    sink = await SmtpSink.start();
    return createTestApp({ mailSink: sink });
  });
  afterAll(() => sink?.stop());

  it('refuses the refresh token of a session the reset ended', async () => {
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: 'reset@example.com', password: PASSWORD }).expect(201);
    const pair = await offlineLogin(t.http, 'reset@example.com');
    await t.http.post('/auth/password-reset').send({ email: 'reset@example.com' }).expect(202);
    // The first mail is the registration's verification link; the second, the reset link.
    const reset = linkTokenOf(await sink.waitFor('reset@example.com', 2));

    await t.http.post('/auth/password-reset/confirm').send({ token: reset, password: 'another horse battery staple' }).expect(204);

    expectInvalidGrant(await refresh(t, pair.refresh));
  });
});
