import { privateDatabaseServer } from './support/private-database-server';
import { bearer, createTestApp, registerAndLogin, TestApp } from './support/test-app';
import { migrateDatabase } from './support/test-databases';

/**
 * The service on a database server of this test's own, which the test stops
 * and starts again with the project's script: 503 while it is gone, recovery
 * without a restart when it is back.
 */
describe('When the database cannot be reached', () => {
  const server = privateDatabaseServer('outage-test-');
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    const url = await server.start();
    await migrateDatabase(url);
    t = await createTestApp({ databaseUrl: url });
    ({ token } = await registerAndLogin(t.http, 'outage@example.com'));
    await server.localDb('stop');
  });

  afterAll(async () => {
    await t.close();
    await server.remove();
  });

  it.each([
    ['a guarded read', (app: TestApp) => app.http.get('/users/me').set(bearer(token))],
    ['a login', (app: TestApp) => app.http.post('/auth/token').send({ email: 'outage@example.com', password: 'whatever it is' })],
    ['a registration', (app: TestApp) => app.http.post('/auth/register').send({ email: 'new@example.com', password: 'long enough' })],
  ])('answers %s with 503 SERVICE_UNAVAILABLE and Retry-After, naming nothing internal', async (_case, send) => {
    const response = await send(t);

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.body).toEqual({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/ECONN|PROTOCOL|127\.0\.0\.1|mysql|ER_/i);
  });

  it('reports the database down on GET /health (503)', async () => {
    const response = await t.http.get('/health').expect(503);
    expect(response.body).toEqual({ status: 'error', database: 'down' });
  });

  it('recovers by itself once the server is back', async () => {
    await server.start();

    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = (await t.http.get('/users/me').set(bearer(token))).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    await t.http.get('/health').expect(200);
  });
});
