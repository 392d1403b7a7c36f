import { SchedulerRegistry } from '@nestjs/schedule';
import { DeadRowPruner, PRUNE_JOB_NAME, type Pruned } from '../../src/database/dead-row.pruner';
import { pruned } from '../support/pruned';
import { TokenUsageRecorder } from '../../src/auth/tokens/token-usage.recorder';
import {
  bearer,
  createTestApp,
  login,
  PASSWORD,
  registerAndLogin,
  registerVerified,
  resetDatabase,
  rowCounts,
  TestApp,
  turnMfaOn,
} from '../support/test-app';

const HOUR_MS = 3600_000;

describe('Pruning dead rows (injected clock)', () => {
  let t: TestApp;
  let pruner: DeadRowPruner;
  let result: Pruned;

  beforeAll(async () => {
    t = await createTestApp({ auth: { accessTokenTtlSeconds: 2 * 3600, accessTokenIdleTtlSeconds: 0 } });
    pruner = t.app.get(DeadRowPruner);
  });
  afterAll(() => t.close());
  beforeEach(() => resetDatabase(t.db));

  it('deletes expired tokens in bounded batches, keeps live ones, and does nothing the second time', async () => {
    const { token: oldToken } = await registerAndLogin(t.http, 'old@example.com');
    for (let i = 0; i < 4; i++) await login(t.http, 'old@example.com');
    t.clock.advance(HOUR_MS + 1000);
    const { token: newToken } = await registerAndLogin(t.http, 'new@example.com');
    t.clock.advance(HOUR_MS);

    expect((await rowCounts(t.db)).tokens).toBe(6);
    result = await pruner.prune(2);
    // Each store brings its own step; these are the service's.
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'accessTokens',
        'linkTokens',
        'mfaChallenges',
        'refreshTokens',
        'revocations',
        'securityEvents',
        'sentMail',
        'webAuthnChallenges',
      ]),
    );
    expect(result).toEqual(pruned(result, { accessTokens: 5 }));
    expect((await rowCounts(t.db)).tokens).toBe(1);
    await t.http.get('/users/me').set(bearer(newToken)).expect(200);
    await t.http.get('/users/me').set(bearer(oldToken)).expect(401);

    result = await pruner.prune(2);
    expect(result).toEqual(pruned(result, {}));
    expect((await rowCounts(t.db)).tokens).toBe(1);
  });

  it('keeps a session past its access token while its refresh token lives, then deletes both', async () => {
    await registerAndLogin(t.http, 'offline@example.com');
    await t.db.query('DELETE FROM access_tokens');
    const response = await t.http
      .post('/auth/token')
      .type('form')
      .send({ username: 'offline@example.com', password: PASSWORD, scope: 'offline_access' })
      .expect(200);
    t.clock.advance(3 * HOUR_MS);

    expect(await pruner.prune()).toMatchObject({ accessTokens: 0, refreshTokens: 0 });
    const refreshed = await t.http
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: response.body.refresh_token })
      .expect(200);
    // REFRESH_TOKEN_TTL is 30 days: the used token expires first (it was made at the login, 3 hours before the refresh) ...
    t.clock.advance(30 * 24 * HOUR_MS - 2 * HOUR_MS);
    expect(await pruner.prune()).toMatchObject({ accessTokens: 0, refreshTokens: 1 });
    // ... then the session's, and the session goes, its refresh tokens with it.
    t.clock.advance(3 * HOUR_MS);

    expect(await pruner.prune()).toMatchObject({ accessTokens: 1, refreshTokens: 0 });
    await t.http.get('/users/me').set(bearer(refreshed.body.access_token)).expect(401);
    expect(await t.db.query('SELECT id FROM refresh_tokens')).toEqual([]);
  });

  it('deletes tokens idle past the idle timeout plus the last-use write lag, never a recently used one', async () => {
    // Tokens die after 30 minutes unused.
    const idleApp = await createTestApp({ auth: { accessTokenIdleTtlSeconds: 1800, tokenCacheTtlMs: 0 } });
    try {
      const { token: idle } = await registerAndLogin(idleApp.http, 'idle@example.com');
      const { token: busy } = await registerAndLogin(idleApp.http, 'busy@example.com');
      for (let minute = 0; minute < 31; minute++) {
        idleApp.clock.advance(60_000);
        await idleApp.http.get('/users/me').set(bearer(busy)).expect(200);
      }
      await idleApp.app.get(TokenUsageRecorder).flush();
      // Unused 31 minutes: dead, but within the 2-minute margin for a late last-use write.
      expect((await idleApp.app.get(DeadRowPruner).prune()).accessTokens).toBe(0);
      idleApp.clock.advance(2 * 60_000);
      await idleApp.http.get('/users/me').set(bearer(busy)).expect(200);
      await idleApp.app.get(TokenUsageRecorder).flush();
      expect((await idleApp.app.get(DeadRowPruner).prune()).accessTokens).toBe(1);
      await idleApp.http.get('/users/me').set(bearer(busy)).expect(200);
      await idleApp.http.get('/users/me').set(bearer(idle)).expect(401);
    } finally {
      await idleApp.close();
    }
  });

  it('deletes the mailed links that expired, in batches, and keeps live ones', async () => {
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      await t.http.post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    }
    t.clock.advance(24 * HOUR_MS + 1000);
    await t.http.post('/auth/register').send({ email: 'late@example.com', password: PASSWORD }).expect(201);

    result = await pruner.prune(2);
    expect(result).toEqual(pruned(result, { linkTokens: 3 }));
    const [{ n }] = await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM link_tokens');
    expect(Number(n)).toBe(1);
  });

  it('deletes the MFA challenges that expired, in batches, and keeps live ones', async () => {
    const { token } = await registerVerified(t, 'challenged@example.com');
    await turnMfaOn(t.http, token, t.clock.now());
    const startChallenge = () => t.http.post('/auth/token').send({ email: 'challenged@example.com', password: PASSWORD }).expect(403);
    for (let i = 0; i < 3; i++) await startChallenge();
    t.clock.advance(5 * 60_000);
    await startChallenge();

    expect(await pruner.prune(2)).toMatchObject({ mfaChallenges: 3 });
    const [{ n }] = await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM mfa_challenges');
    expect(Number(n)).toBe(1);
  });

  it('runs as a scheduled job', async () => {
    await registerAndLogin(t.http, 'scheduled@example.com');
    t.clock.advance(3 * HOUR_MS);
    const job = t.app.get(SchedulerRegistry).getCronJob(PRUNE_JOB_NAME);
    expect(job).toBeDefined();
    await job.fireOnTick();
    expect((await rowCounts(t.db)).tokens).toBe(0);
  });
});
