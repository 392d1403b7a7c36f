import { createTestApp, PASSWORD, resetDatabase, TestApp } from '../support/test-app';

/**
 * docs/security.md item 13 and the throttling rules of api.md, with the
 * injected clock: failed logins per account and per client address, and
 * registrations per client address, counted in the shared database.
 */
const EMAIL = 'ada@example.com';
const WINDOW_SECONDS = 15 * 60;
const defaults = {
  loginFailuresPerAccount: 10,
  loginFailuresPerClient: 100,
  loginFailureWindowSeconds: WINDOW_SECONDS,
  registrationsPerClient: 100,
  registrationWindowSeconds: 3600,
};

describe('Security checklist item 13: throttling', () => {
  let t: TestApp;

  const attempt = (email: string, password: string, headers: Record<string, string> = {}) =>
    t.http.post('/auth/token').set(headers).send({ email, password });
  const failTimes = async (times: number, email: string, headers: Record<string, string> = {}) => {
    for (let i = 0; i < times; i++) await attempt(email, 'wrong password', headers).expect(401);
  };
  const expectThrottled = (response: { status: number; body: { code?: string }; headers: Record<string, string> }, maxSeconds: number) => {
    expect(response.status).toBe(429);
    expect(response.body).toEqual({ statusCode: 429, code: 'TOO_MANY_REQUESTS', message: expect.any(String) });
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  };

  afterEach(() => t?.close());

  describe('per account', () => {
    beforeEach(async () => {
      t = await createTestApp({ throttling: defaults });
      await resetDatabase(t.db);
      await t.http.post('/auth/register').send({ email: EMAIL, password: PASSWORD }).expect(201);
    });

    it('item 13: after 10 failed logins for one account, the next attempt gets 429 with Retry-After, even with the right password', async () => {
      await failTimes(10, EMAIL);
      expectThrottled(await attempt(EMAIL, PASSWORD), WINDOW_SECONDS);
      expectThrottled(await t.http.post('/auth/cookie/login').send({ email: EMAIL, password: PASSWORD }), WINDOW_SECONDS);
    });

    it('item 13: guesses sent in parallel cannot overtake the limit', async () => {
      const answers = await Promise.all(Array.from({ length: 30 }, () => attempt(EMAIL, 'wrong password')));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    });

    it('item 13: closed windows are pruned, so the table holds only the recent past', async () => {
      for (let i = 0; i < 5; i++) await attempt(`gone${i}@example.com`, 'wrong password').expect(401);
      const count = async () => Number((await t.db.query('SELECT COUNT(*) AS n FROM throttle_counters'))[0].n);
      // The registration's client and verification mail (per user and per address), five accounts, one client.
      expect(await count()).toBe(9);

      t.clock.advance(3600 * 1000 + 1000);
      await attempt(EMAIL, PASSWORD).expect(200);
      // The prune runs off the request's path: wait for it, without a deadline of our own.
      let remaining = await count();
      while (remaining > 1) {
        await new Promise((resolve) => setImmediate(resolve));
        remaining = await count();
      }
      expect(remaining).toBe(1);
    });

    it('item 13: throttles unknown emails alike, and any case of the email counts for one account', async () => {
      await failTimes(5, 'nobody@example.com');
      await failTimes(5, 'NoBody@Example.COM');
      expectThrottled(await attempt('nobody@example.com', PASSWORD), WINDOW_SECONDS);
    });

    it('item 13: a success resets the account count', async () => {
      await failTimes(9, EMAIL);
      await attempt(EMAIL, PASSWORD).expect(200);
      await failTimes(9, EMAIL);
      await attempt(EMAIL, PASSWORD).expect(200);
    });

    it('item 13: leaves other accounts alone, and lets the account in again once the window has passed', async () => {
      await failTimes(10, EMAIL);
      await attempt('other@example.com', 'wrong password').expect(401);

      t.clock.advance(WINDOW_SECONDS * 1000 - 1000);
      expectThrottled(await attempt(EMAIL, PASSWORD), 1);
      t.clock.advance(1000);
      await attempt(EMAIL, PASSWORD).expect(200);
    });

    it('item 13: the counters live in the shared database, so two instances enforce one limit', async () => {
      const other = await createTestApp({ throttling: defaults });
      other.clock.advance(t.clock.now().getTime() - other.clock.now().getTime());
      try {
        await failTimes(5, EMAIL);
        for (let i = 0; i < 5; i++) await other.http.post('/auth/token').send({ email: EMAIL, password: 'wrong password' }).expect(401);
        expect((await other.http.post('/auth/token').send({ email: EMAIL, password: PASSWORD })).status).toBe(429);
        expect((await attempt(EMAIL, PASSWORD)).status).toBe(429);
      } finally {
        await other.close();
      }
    });

    it('item 13: stores digests of the keys, never the email or the address', async () => {
      await failTimes(1, EMAIL);
      const rows: Array<{ key_hash: Buffer }> = await t.db.query('SELECT key_hash FROM throttle_counters');
      // The registration in beforeEach (its client, its verification mail per user and per address), then the failure's account and address.
      expect(rows).toHaveLength(5);
      for (const row of rows) {
        expect(row.key_hash).toHaveLength(32);
        expect(row.key_hash.toString('latin1')).not.toMatch(/ada|127\.0\.0\.1/);
      }
    });
  });

  describe('per client address', () => {
    const clientLimit = { ...defaults, loginFailuresPerClient: 5, registrationsPerClient: 3 };

    beforeEach(async () => {
      t = await createTestApp({ throttling: clientLimit });
      await resetDatabase(t.db);
    });

    it('item 13: many failed logins from one address, over many emails, get 429 whatever X-Forwarded-For says', async () => {
      for (let i = 0; i < 5; i++) {
        await attempt(`user${i}@example.com`, 'wrong password', { 'X-Forwarded-For': `198.51.100.${i}` }).expect(401);
      }
      const response = await attempt('fresh@example.com', PASSWORD, { 'X-Forwarded-For': '203.0.113.99' });
      expectThrottled(response, WINDOW_SECONDS);
    });

    it('item 13: registrations are limited per address, successes included', async () => {
      for (let i = 0; i < 3; i++) {
        await t.http
          .post('/auth/register')
          .send({ email: `new${i}@example.com`, password: PASSWORD })
          .expect(201);
      }
      const response = await t.http.post('/auth/register').send({ email: 'one-more@example.com', password: PASSWORD });
      expectThrottled(response, 3600);
      const [row] = await t.db.query('SELECT COUNT(*) AS n FROM users');
      expect(Number(row.n)).toBe(3);
    });
  });

  describe('behind a trusted proxy', () => {
    beforeEach(async () => {
      t = await createTestApp({ throttling: { ...defaults, loginFailuresPerClient: 5 }, http: { trustProxy: ['loopback'] } });
      await resetDatabase(t.db);
    });

    it('item 13: counts per X-Forwarded-For client once the proxy is trusted', async () => {
      for (let i = 0; i < 5; i++) {
        await attempt(`user${i}@example.com`, 'wrong password', { 'X-Forwarded-For': '198.51.100.7' }).expect(401);
      }
      expectThrottled(await attempt('fresh@example.com', PASSWORD, { 'X-Forwarded-For': '198.51.100.7' }), WINDOW_SECONDS);
      await attempt('fresh@example.com', 'wrong password', { 'X-Forwarded-For': '198.51.100.8' }).expect(401);
    });

    it('item 13: counts a whole IPv6 /64 as one client, so rotating addresses within it does not help', async () => {
      for (let i = 1; i <= 5; i++) {
        await attempt(`user${i}@example.com`, 'wrong password', { 'X-Forwarded-For': `2001:db8:1:2::${i.toString(16)}` }).expect(401);
      }
      expectThrottled(await attempt('fresh@example.com', PASSWORD, { 'X-Forwarded-For': '2001:db8:1:2:ffff::1' }), WINDOW_SECONDS);
      await attempt('fresh@example.com', 'wrong password', { 'X-Forwarded-For': '2001:db8:1:3::1' }).expect(401);
    });
  });
});
