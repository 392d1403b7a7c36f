import { eventually } from '../support/eventually';
import { ReplicaPair, startReplicaPair } from '../support/replica-pair';
import { bearer, createTestApp, login, makeAdmin, PASSWORD, TestApp } from '../support/test-app';

const MAX_LAG_MS = 1000;
/** Past the limit and two checks of half a second: the replica is left out by then. */
const LEFT_OUT_WITHIN_MS = MAX_LAG_MS + 5000;

/**
 * docs/api.md "Read replicas", security items 74-75, on a real MariaDB
 * primary and replica (GTID replication, scripts/local-db.sh start-replica):
 * token lookups the cache does not answer (TOKEN_CACHE_TTL_MS=0 here, so
 * that every request looks its token up) read the replica, and are never
 * less right than the primary's, whatever the replica lags.
 */
describe('Read replicas (a real primary and replica)', () => {
  let pair: ReplicaPair;
  let t: TestApp;
  let other: TestApp;
  let users = 0;

  const options = () => ({
    databaseUrl: pair.primaryUrl,
    database: { replicaUrls: [pair.replicaUrl], replicaMaxLagMs: MAX_LAG_MS },
    auth: { tokenCacheTtlMs: 0 },
    liveRevocationFeed: true,
    realClock: true,
  });
  const health = async (app = t) =>
    (await app.http.get('/health')).body as { status: string; database: string; replicas?: Array<{ status: string }> };
  const replicaStatus = async () => (await health()).replicas?.[0]?.status;
  const newUser = async (app = t) => {
    const email = `replica.user.${++users}@example.com`;
    await app.http.post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    return { email, token: await login(app.http, email) };
  };
  const replicaSqlThread = (running: boolean) => pair.onReplica(running ? 'START SLAVE SQL_THREAD' : 'STOP SLAVE SQL_THREAD');

  beforeAll(async () => {
    pair = await startReplicaPair('auth_replica_e2e');
    t = await createTestApp(options());
    other = await createTestApp(options());
    await eventually(async () => (await replicaStatus()) === 'up', 10_000);
  }, 240_000);
  afterAll(async () => {
    await other?.close();
    await t?.close();
    // No server of the pair outlives the suite (a CI machine's last step stops the shared one only).
    pair?.stop();
  });
  afterEach(async () => {
    await replicaSqlThread(true);
    await pair.caughtUp();
    await eventually(async () => (await replicaStatus()) === 'up', 10_000);
  });

  it('reports the replica up in /health, beside the primary', async () => {
    expect(await health()).toEqual({ status: 'ok', database: 'up', replicas: [{ status: 'up' }] });
  });

  it('answers token lookups on the replica: its Com_select grows with the reads', async () => {
    const { token } = await newUser();
    await pair.caughtUp();
    const before = await pair.replicaSelects();

    for (let read = 0; read < 20; read++) await t.http.get('/users/me').set(bearer(token)).expect(200);

    // The lookups, beside the lag checks' one select a half second.
    expect((await pair.replicaSelects()) - before).toBeGreaterThanOrEqual(20);
  });

  it('lets a token work right after its login, though the replica has not got it yet', async () => {
    await replicaSqlThread(false);
    const { email, token } = await newUser();

    await t.http.get('/users/me').set(bearer(token)).expect(200);
    expect(await pair.onReplica(`SELECT id FROM users WHERE email = '${email}'`)).toEqual([]);
  });

  it('refuses a token at once after its logout, though the replica still holds it (item 74)', async () => {
    const { email, token } = await newUser();
    await pair.caughtUp();
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await replicaSqlThread(false);

    await t.http.post('/auth/logout').set(bearer(token)).expect(204);

    await t.http.get('/users/me').set(bearer(token)).expect(401);
    const onReplica = await pair.onReplica(`SELECT t.id FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = '${email}'`);
    expect(onReplica).toHaveLength(1);
    // Another instance learns it from the revocation log, as it learns any revocation.
    await eventually(async () => (await other.http.get('/users/me').set(bearer(token))).status === 401, 2000);
    await other.http.get('/users/me').set(bearer(token)).expect(401);
  });

  it('refuses a demoted admin’s token at once, though the replica still holds the old role', async () => {
    const admin = await newUser();
    const [{ id }] = await pair.onPrimary<{ id: number }>(`SELECT id FROM users WHERE email = '${admin.email}'`);
    await makeAdmin(t, id);
    const token = await login(t.http, admin.email);
    const watcher = await newUser();
    const [{ id: watcherId }] = await pair.onPrimary<{ id: number }>(`SELECT id FROM users WHERE email = '${watcher.email}'`);
    await makeAdmin(t, watcherId);
    const watcherToken = await login(t.http, watcher.email);
    await pair.caughtUp();
    await t.http.get('/admin/users').set(bearer(token)).expect(200);
    await replicaSqlThread(false);

    await t.http.patch(`/admin/users/${id}`).set(bearer(watcherToken)).send({ role: 'user' }).expect(200);

    await t.http.get('/admin/users').set(bearer(token)).expect(401);
  });

  it('leaves out a replica that lags past the limit, reads the primary meanwhile, and takes it back once caught up', async () => {
    const { token } = await newUser();
    await pair.caughtUp();
    await replicaSqlThread(false);

    expect(await eventually(async () => (await replicaStatus()) === 'lagging', LEFT_OUT_WITHIN_MS)).toBe(true);
    const before = await pair.replicaSelects();
    for (let read = 0; read < 20; read++) await t.http.get('/users/me').set(bearer(token)).expect(200);
    // Only the lag checks of the two instances read it now: four a second, fewer than the reads.
    expect((await pair.replicaSelects()) - before).toBeLessThan(20);
    expect((await health()).status).toBe('ok');

    await replicaSqlThread(true);
    expect(await eventually(async () => (await replicaStatus()) === 'up', LEFT_OUT_WITHIN_MS)).toBe(true);
  });

  it('costs no request a 5xx when the replica is killed under load, and takes it back once restarted', async () => {
    const tokens = await Promise.all([newUser(), newUser(), newUser()].map(async (user) => (await user).token));
    await pair.caughtUp();
    const statuses: number[] = [];
    let reading = true;
    const readers = tokens.map(async (token) => {
      while (reading) statuses.push((await t.http.get('/users/me').set(bearer(token))).status);
    });

    await new Promise((resolve) => setTimeout(resolve, 300));
    pair.signalReplica('SIGKILL');
    expect(await eventually(async () => (await replicaStatus()) === 'down', LEFT_OUT_WITHIN_MS)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    reading = false;
    await Promise.all(readers);

    expect(statuses.length).toBeGreaterThan(10);
    expect(new Set(statuses)).toEqual(new Set([200]));
    pair.startReplica();
    expect(await eventually(async () => (await replicaStatus()) === 'up', 30_000)).toBe(true);
  }, 90_000);

  it('answers from the primary while a frozen replica does not answer at all', async () => {
    const { token } = await newUser();
    await pair.caughtUp();
    pair.signalReplica('SIGSTOP');
    try {
      for (let read = 0; read < 5; read++) await t.http.get('/users/me').set(bearer(token)).expect(200);
      expect(await eventually(async () => (await replicaStatus()) === 'down', LEFT_OUT_WITHIN_MS)).toBe(true);
    } finally {
      pair.signalReplica('SIGCONT');
    }
  }, 60_000);

  it('reports the primary’s outage as before: 503, with the replica’s state', async () => {
    pair.signalPrimary('SIGKILL');
    try {
      const answer = await eventually(async () => (await t.http.get('/health')).status === 503, 10_000);
      expect(answer).toBe(true);
      expect((await health()).database).toBe('down');
    } finally {
      pair.startPrimary();
    }
    expect(await eventually(async () => (await t.http.get('/health')).status === 200, 30_000)).toBe(true);
  }, 90_000);
});
