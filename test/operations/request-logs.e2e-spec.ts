import { Logger } from '@nestjs/common';
import { LogCapture, LogLine } from '../support/log-capture';
import { bearer, createTestApp, registerAndLogin, TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Structured logs', () => {
  let t: TestApp;
  const logs = new LogCapture();

  beforeAll(async () => {
    t = await createTestApp({ logs });
  });
  afterAll(async () => {
    await t.close();
    // Nest's Logger is process-wide: give it back its errors-only console.
    Logger.overrideLogger(['error']);
  });

  const requestLine = (requestId: string): LogLine | undefined =>
    logs.lines().find((line) => line.requestId === requestId && line.msg === 'request completed');

  it('writes one JSON line per request: request id, method, route template, status, user and duration', async () => {
    const { token, userId } = await registerAndLogin(t.http, 'lines@example.com');
    const answer = await t.http.delete('/auth/tokens/999999').set(bearer(token)).set('X-Request-Id', 'edge-proxy:4711').expect(404);

    expect(answer.headers['x-request-id']).toBe('edge-proxy:4711');
    expect(logs.lines().filter((line) => line.requestId === 'edge-proxy:4711' && line.msg === 'request completed')).toHaveLength(1);
    expect(requestLine('edge-proxy:4711')).toEqual(
      expect.objectContaining({
        method: 'DELETE',
        route: '/auth/tokens/:id',
        path: '/auth/tokens/999999',
        status: 404,
        userId,
        durationMs: expect.any(Number),
      }),
    );
  });

  it('makes up a request id when none is sent, or when the one sent could forge a log line', async () => {
    const generated = (await t.http.get('/health').expect(200)).headers['x-request-id'];
    expect(generated).toMatch(UUID);
    expect(requestLine(generated)).toEqual(expect.objectContaining({ route: '/health', status: 200, userId: null }));

    for (const sent of ['has spaces', 'x'.repeat(129), '"quoted"']) {
      const replaced = (await t.http.get('/health').set('X-Request-Id', sent)).headers['x-request-id'];
      expect(replaced).toMatch(UUID);
    }
    const unknownRoute = (await t.http.get('/no/such/route').expect(404)).headers['x-request-id'];
    expect(requestLine(unknownRoute)).toEqual(expect.objectContaining({ route: null, status: 404 }));
  });

  it('logs auth events with the user id, and the request line of each with its status', async () => {
    const registered = await t.http
      .post('/auth/register')
      .set('X-Request-Id', 'reg-1')
      .send({ email: 'events@example.com', password: 'correct horse battery staple' });
    const userId = registered.body.id;
    await t.http
      .post('/auth/token')
      .set('X-Request-Id', 'fail-1')
      .send({ email: 'events@example.com', password: 'not the password' })
      .expect(401);
    const token = (await t.http.post('/auth/token').send({ email: 'events@example.com', password: 'correct horse battery staple' })).body
      .access_token;
    const tokenId = (await t.http.get('/auth/tokens').set(bearer(token))).body[0].id;
    const second = (await t.http.post('/auth/token').send({ email: 'events@example.com', password: 'correct horse battery staple' })).body
      .access_token;
    await t.http.delete(`/auth/tokens/${tokenId}`).set(bearer(second)).expect(204);
    await t.http.post('/auth/logout').set(bearer(second)).expect(204);

    const event = (name: string) => logs.lines().filter((line) => line.event === name && line.userId === userId);
    expect(event('user.registered')).toHaveLength(1);
    expect(event('login.failed')).toHaveLength(1);
    expect(event('login.succeeded')).toHaveLength(2);
    expect(event('token.revoked')).toEqual([expect.objectContaining({ tokenId })]);
    expect(event('logout')).toHaveLength(1);
    expect(requestLine('reg-1')).toEqual(expect.objectContaining({ route: '/auth/register', status: 201 }));
    expect(requestLine('fail-1')).toEqual(expect.objectContaining({ route: '/auth/token', status: 401, userId: null }));
  });

  it('redacts secrets wherever a caller puts them in a logged object', () => {
    new Logger('Anywhere').log({
      event: 'careless',
      password: 'hunter2-hunter2',
      session: { token: 'nat_secret', csrfToken: 'csrf-secret' },
    });
    const line = logs.lines().find((candidate) => candidate.event === 'careless');
    expect(line).toEqual(expect.objectContaining({ password: '[redacted]', session: { token: '[redacted]', csrfToken: '[redacted]' } }));
    expect(logs.text()).not.toMatch(/hunter2-hunter2|nat_secret|csrf-secret/);
  });
});
