import { SecurityEventLog } from '../src/auth/security-events/security-event-log';
import { DeadRowPruner } from '../src/database/dead-row.pruner';
import { totpOf } from './support/totp';
import {
  bearer,
  createTestApp,
  login,
  makeAdmin,
  PASSWORD,
  registerAndLogin,
  registerVerified,
  resetDatabase,
  TestApp,
  turnMfaOn,
  verifyEmail,
} from './support/test-app';

/** docs/api.md "Security events": written for what happens to an account, read by its user and the admins. */
interface EventItem {
  id: number;
  type: string;
  createdAt: string;
  ip: string | null;
  userAgent: string | null;
  actorId: number | null;
}

interface Page {
  items: EventItem[];
  nextCursor: string | null;
}

const AGENT = 'EventsTest/1.0 (e2e)';

describe('Security events', () => {
  let t: TestApp;
  const written = () => t.app.get(SecurityEventLog).flush();
  const myEvents = async (token: string, query = '') => {
    await written();
    return (await t.http.get(`/users/me/security-events${query}`).set(bearer(token)).expect(200)).body as Page;
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => resetDatabase(t.db));
  afterAll(() => t.close());

  it('records what happens to an account, newest first, with the client address and user agent, and no secret', async () => {
    await t.http.post('/auth/register').send({ email: 'events@example.com', password: PASSWORD }).expect(201);
    await verifyEmail(t, 'events@example.com');
    await t.http.post('/auth/token').set('User-Agent', AGENT).send({ email: 'events@example.com', password: 'wrong one' }).expect(401);
    const token = (
      (await t.http.post('/auth/token').set('User-Agent', AGENT).send({ email: 'events@example.com', password: PASSWORD }).expect(200))
        .body as { access_token: string }
    ).access_token;
    const personal = (await t.http.post('/auth/tokens').set(bearer(token)).send({ name: 'script', scopes: [] }).expect(201)).body as {
      id: number;
      token: string;
    };
    await t.http.delete(`/auth/tokens/${personal.id}`).set(bearer(token)).expect(204);
    await t.http.patch('/users/me').set(bearer(token)).send({ email: 'events.next@example.com', currentPassword: PASSWORD }).expect(200);
    await t.http.patch('/users/me').set(bearer(token)).send({ password: 'another good passphrase', currentPassword: PASSWORD }).expect(200);

    const { items } = await myEvents(token);

    expect(items.map((item) => item.type)).toEqual([
      'password.changed',
      'email.change_requested',
      'token.revoked',
      'token.created',
      'login.succeeded',
      'login.failed',
      'email.verified',
    ]);
    expect(items.map((item) => item.id)).toEqual([...items.map((item) => item.id)].sort((a, b) => b - a));
    const login = items.find((item) => item.type === 'login.succeeded');
    expect(login).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/) as string, userAgent: AGENT, actorId: null });
    const rows = JSON.stringify(await t.db.query('SELECT * FROM security_events'));
    for (const secret of [PASSWORD, token, personal.token, 'another good passphrase']) expect(rows).not.toContain(secret);
  });

  it('cuts the user agent to 255 characters', async () => {
    await t.http.post('/auth/register').send({ email: 'long.agent@example.com', password: PASSWORD }).expect(201);
    const response = await t.http
      .post('/auth/token')
      .set('User-Agent', 'A'.repeat(1000))
      .send({ email: 'long.agent@example.com', password: PASSWORD })
      .expect(200);

    const { items } = await myEvents((response.body as { access_token: string }).access_token);

    expect(items[0].userAgent).toBe('A'.repeat(255));
  });

  it('records the MFA events', async () => {
    const { token } = await registerVerified(t, 'mfa.events@example.com');
    const { secret, recoveryCodes } = await turnMfaOn(t.http, token, t.clock.now());
    const challenge = async () =>
      (
        (await t.http.post('/auth/token').send({ email: 'mfa.events@example.com', password: PASSWORD }).expect(403)).body as {
          mfaToken: string;
        }
      ).mfaToken;
    await t.http
      .post('/auth/mfa/verify')
      .send({ mfaToken: await challenge(), code: '000000' })
      .expect(403);
    await t.http
      .post('/auth/mfa/verify')
      .send({ mfaToken: await challenge(), code: recoveryCodes[0] })
      .expect(200);
    t.clock.advance(30_000);
    await t.http.delete('/auth/mfa').set(bearer(token)).send({ currentPassword: PASSWORD, code: '000000' }).expect(403);
    await t.http
      .delete('/auth/mfa')
      .set(bearer(token))
      .send({ currentPassword: PASSWORD, code: totpOf(secret, t.clock.now()) })
      .expect(204);

    const types = (await myEvents(token)).items.map((item) => item.type);

    expect(types.slice(0, 6)).toEqual([
      'mfa.disabled',
      'mfa.failed',
      'login.succeeded',
      'mfa.recovery_code_used',
      'mfa.failed',
      'mfa.enabled',
    ]);
  });

  it('pages with signed cursors, and refuses a cursor or limit that is not one (row 36)', async () => {
    const { token } = await registerAndLogin(t.http, 'pages@example.com');
    for (let i = 0; i < 4; i++) await login(t.http, 'pages@example.com');

    const seen: EventItem[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await myEvents(token, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);

    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((item) => item.id)).size).toBe(5);
    for (const query of ['?limit=0', '?limit=1000', '?limit=abc', '?cursor=forged.AAAA']) {
      await t.http.get(`/users/me/security-events${query}`).set(bearer(token)).expect(400);
    }
    // A cursor of the user's own list is none of the admins' list, even for the same user.
    const { userId: adminId } = await registerAndLogin(t.http, 'pages.admin@example.com');
    await makeAdmin(t, adminId);
    const adminToken = await login(t.http, 'pages.admin@example.com');
    const own = await myEvents(token, '?limit=1');
    const { id: userId } = (await t.http.get('/users/me').set(bearer(token)).expect(200)).body as { id: number };
    await t.http
      .get(`/admin/security-events?userId=${userId}&cursor=${encodeURIComponent(own.nextCursor!)}`)
      .set(bearer(adminToken))
      .expect(400);
  });

  it('records what an admin does with the admin as actor, and lets only admins read every account’s events, by user and type', async () => {
    const { userId: adminId } = await registerAndLogin(t.http, 'events.admin@example.com');
    await makeAdmin(t, adminId);
    const adminToken = await login(t.http, 'events.admin@example.com');
    const { userId, token: userToken } = await registerAndLogin(t.http, 'subject@example.com');

    await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ isActive: false }).expect(200);
    await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ isActive: true }).expect(200);
    await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ role: 'admin' }).expect(200);
    await t.http.delete(`/admin/users/${userId}/tokens`).set(bearer(adminToken)).expect(204);
    await written();

    const page = (await t.http.get(`/admin/security-events?userId=${userId}`).set(bearer(adminToken)).expect(200)).body as Page;
    expect(page.items.slice(0, 4).map((item) => [item.type, item.actorId])).toEqual([
      ['admin.tokens_revoked', adminId],
      ['user.role_changed', adminId],
      ['user.activated', adminId],
      ['user.deactivated', adminId],
    ]);
    const byType = (await t.http.get('/admin/security-events?type=user.role_changed').set(bearer(adminToken)).expect(200)).body as Page;
    expect(byType.items.every((item) => item.type === 'user.role_changed')).toBe(true);
    expect(byType.items).toHaveLength(2);
    await t.http.get('/admin/security-events?type=nonsense').set(bearer(adminToken)).expect(400);
    await t.http.get('/admin/security-events?userId=abc').set(bearer(adminToken)).expect(400);
    expect((await t.http.get('/admin/security-events').set(bearer(userToken)).expect(401)).body).toMatchObject({ code: 'INVALID_TOKEN' });
    const user = await registerAndLogin(t.http, 'plain@example.com');
    expect((await t.http.get('/admin/security-events').set(bearer(user.token)).expect(403)).body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('deletes events past SECURITY_EVENT_RETENTION (90 days) in the scheduled pruning', async () => {
    await registerAndLogin(t.http, 'old.events@example.com');
    await written();
    t.clock.advance(91 * 86_400_000);
    await login(t.http, 'old.events@example.com');
    await written();

    expect(await t.app.get(DeadRowPruner).prune()).toMatchObject({ securityEvents: 1 });
    const [{ n }] = await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM security_events');
    expect(Number(n)).toBe(1);
  });
});
