import { DataSource } from 'typeorm';
import { buildCliDataSourceOptions } from '../../src/database/data-source-options';
import { eventually } from '../support/eventually';
import { PASSWORD, resetDatabase } from '../support/test-app';
import { call, fieldsOf, login, me, register } from '../support/service-http';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

const PROCESSES_TIMEOUT_MS = 90_000;
/** Far beyond a read of the revocation log: the bound itself is the fault suite's and the bench's to measure. */
const REVOCATION_WAIT_MS = 10_000;

/**
 * Two instances of the service, each in its own process on its own port,
 * against one database, as behind a load balancer: tokens and throttling live
 * in the database, so either instance honours what the other did.
 */
describe('Two instances on one database', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;
  let db: DataSource;

  beforeAll(async () => {
    db = await new DataSource(await buildCliDataSourceOptions({ url: process.env.DATABASE_URL! })).initialize();
    await resetDatabase(db);
    // The default cache (60 s): a logout reaches the other instance through the revocation log, not the cache's expiry.
    const env = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '10' };
    [a, b] = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  }, PROCESSES_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db.destroy();
  });

  it('accepts on one instance a token issued by the other, both ways', async () => {
    expect(a.baseUrl).not.toBe(b.baseUrl);
    expect((await register(a, 'both@example.com', PASSWORD)).status).toBe(201);
    const fromA = fieldsOf(await login(a, 'both@example.com', PASSWORD)).access_token!;
    const fromB = fieldsOf(await login(b, 'both@example.com', PASSWORD)).access_token!;

    expect(await me(b, fromA)).toEqual(
      expect.objectContaining({ status: 200, body: expect.objectContaining({ email: 'both@example.com' }) }),
    );
    expect((await me(a, fromB)).status).toBe(200);
  });

  it('refuses on one instance a token logged out on the other, once it has read the revocation log', async () => {
    expect((await register(a, 'logout@example.com', PASSWORD)).status).toBe(201);
    const token = fieldsOf(await login(a, 'logout@example.com', PASSWORD)).access_token!;
    // B has checked the token, so it holds a cached copy.
    expect((await me(b, token)).status).toBe(200);

    expect((await call(a.baseUrl, 'POST', '/auth/logout', { token })).status).toBe(204);
    expect((await me(a, token)).status).toBe(401);
    expect(await eventually(async () => (await me(b, token)).status === 401, REVOCATION_WAIT_MS, 50)).toBe(true);
    expect((await me(b, token)).body).toEqual(expect.objectContaining({ code: 'INVALID_TOKEN' }));
  });

  it('counts failed logins across both instances', async () => {
    expect((await register(a, 'guessed@example.com', PASSWORD)).status).toBe(201);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      statuses.push((await login(attempt % 2 === 0 ? a : b, 'guessed@example.com', 'wrong password guess')).status);
    }
    expect(statuses).toEqual(Array(10).fill(401));
    expect((await login(a, 'guessed@example.com', 'wrong password guess')).status).toBe(429);
    expect((await login(b, 'guessed@example.com', PASSWORD)).status).toBe(429);
  });

  it('writes JSON logs on both, without passwords or tokens', async () => {
    const token = fieldsOf(await login(b, 'both@example.com', PASSWORD)).access_token!;
    await me(a, token);
    for (const service of [a, b]) {
      const text = JSON.stringify(service.logs);
      expect(service.logs.some((line) => line.msg === 'request completed')).toBe(true);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('wrong password guess');
      expect(text).not.toContain(token);
    }
  });
});
