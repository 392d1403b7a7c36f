import { PasswordWorkLimiter } from '../src/auth/passwords/password-work-limiter';
import { createTestApp, PASSWORD, resetDatabase, rowCounts, TestApp } from './support/test-app';

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
    held = Array.from({ length: 3 }, () => limiter.run(() => gate));
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
