import { PasswordWorkLimiter } from '../src/auth/passwords/password-work-limiter';
import { createTestApp, PASSWORD, resetDatabase, rowCounts, TestApp, useTestApp } from './support/test-app';

/**
 * Logins past the bounded bcrypt queue are shed at once. The queue is filled
 * with jobs the test holds open, so nothing depends on timing.
 */
describe('Admission control of bcrypt work', () => {
  let t: TestApp;
  let release: () => void;
  let held: Array<Promise<void>>;

  beforeAll(async () => {
    t = await createTestApp({ auth: { passwordHashingConcurrency: 1, passwordHashingQueue: 2 } });
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: 'busy@example.com', password: PASSWORD }).expect(201);
  });
  afterAll(() => t.close());

  beforeEach(() => {
    const gate = new Promise<void>((resolve) => (release = resolve));
    const limiter = t.app.get(PasswordWorkLimiter);
    // Held by three clients other than the test's own, one job each: none of them reaches its own cap, and none has
    // been served more than the test's client would be, so none makes way for it (the queue is fair, not only bounded).
    held = ['198.51.100.1', '198.51.100.2', '198.51.100.3'].map((client) => limiter.run(() => gate, client));
  });

  it.each([
    ['a login', () => t.http.post('/auth/token').send({ email: 'busy@example.com', password: PASSWORD })],
    ['a registration', () => t.http.post('/auth/register').send({ email: 'later@example.com', password: PASSWORD })],
  ])('sheds %s with 503 SERVICE_UNAVAILABLE and Retry-After while the queue is full, then serves it', async (_case, send) => {
    const before = await rowCounts(t.db);

    const shed = await send();

    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.body).toEqual({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
    expect(await rowCounts(t.db)).toEqual(before);

    release();
    await Promise.all(held);
    const served = await send();
    expect([200, 201]).toContain(served.status);
  });
});

describe('A client flooding the bcrypt queue', () => {
  const t = useTestApp({ auth: { passwordHashingConcurrency: 1, passwordHashingQueue: 16, passwordHashingQueuePerClient: 4 } });

  beforeAll(async () => {
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: 'patient@example.com', password: PASSWORD }).expect(201);
  });

  it("sheds only its own jobs past its 4 places: another client's login still gets its turn", async () => {
    const limiter = t.app.get(PasswordWorkLimiter);
    const flood = '2001:db8:bad::1';
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = limiter.run(() => gate, flood);
    const queued = Array.from({ length: 4 }, () => limiter.run(() => gate, flood));
    await expect(limiter.run(() => gate, '2001:db8:bad::2')).rejects.toBeDomainError('SERVICE_UNAVAILABLE', 503);

    const runs = jest.spyOn(limiter, 'run');
    const login = t.http
      .post('/auth/token')
      .send({ email: 'patient@example.com', password: PASSWORD })
      .then((response) => response);
    // A job takes its place in the queue (or is refused) in the very call that asks for one.
    while (runs.mock.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(runs.mock.calls[0][1]).not.toBe(flood);
    await expect(limiter.run(() => gate, flood)).rejects.toBeDomainError('SERVICE_UNAVAILABLE', 503);

    release();
    await Promise.all([running, ...queued]);
    expect((await login).status).toBe(200);
  });
});

/**
 * Security item 81, issue 22 row 6: a client that keeps all its places in the
 * queue full never sheds another client's login, nor makes it wait for the
 * flood: each of the other client's logins runs right after the job that
 * holds the core. The flood's jobs are held by the test, each released on its
 * own, so the order is observed, not timed (the wait bound's arithmetic is
 * src/auth/passwords/password-work-limiter.spec.ts's).
 */
describe('Fair admission: another client beside a flood (security item 81)', () => {
  const t = useTestApp({ auth: { passwordHashingConcurrency: 1, passwordHashingQueue: 16, passwordHashingQueuePerClient: 4 } });

  beforeAll(async () => {
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: 'beside@example.com', password: PASSWORD }).expect(201);
  });

  it("runs each of another client's logins next, ahead of the flood's queued jobs, and answers it 200", async () => {
    const limiter = t.app.get(PasswordWorkLimiter);
    const run = limiter.run.bind(limiter);
    const flood = '198.51.100.66';
    const started: string[] = [];
    const releases: Array<() => void> = [];
    const floodRuns: Array<Promise<unknown>> = [];
    /** One flood job, held until its release: the flood takes its place again each time one ends. */
    const floodJob = () =>
      floodRuns.push(
        run(() => {
          started.push('flood');
          return new Promise<void>((resolve) => releases.push(resolve));
        }, flood),
      );
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    for (let job = 0; job < 5; job++) floodJob();
    await settle();
    expect(started).toEqual(['flood']);

    for (let attempt = 0; attempt < 3; attempt++) {
      const runs = jest.spyOn(limiter, 'run').mockImplementationOnce((work, client) =>
        run(() => {
          started.push('login');
          return work();
        }, client),
      );
      const login = t.http
        .post('/auth/token')
        .send({ email: 'beside@example.com', password: PASSWORD })
        .then((response) => response);
      while (runs.mock.calls.length === 0) await settle();
      runs.mockRestore();
      const before = started.length;

      // The job on the core ends: the next to start is the login's, not the flood's four queued before it.
      releases.shift()!();
      while (started.length === before) await settle();

      expect(started[before]).toBe('login');
      expect((await login).status).toBe(200);
      floodJob();
    }

    let settled = 0;
    void Promise.all(floodRuns).then(() => (settled = floodRuns.length));
    while (settled === 0) {
      releases.shift()?.();
      await settle();
    }
    expect(started.filter((entry) => entry === 'flood')).toHaveLength(floodRuns.length);
  });
});
