import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '../../bench/support/processes';
import { eventually } from '../support/eventually';
import { LogCapture } from '../support/log-capture';
import { bearer, createTestApp, grantedScopes, login, registerAndLogin, resetDatabase, useApp } from '../support/test-app';
import { docSnippet } from '../support/web-pages';

const ROOT = join(__dirname, '..', '..');
const CLIENT_ID = 'orders';
const SECRET = 'orders-guide-secret-0123456789-0123456789';
// Long enough that the few requests between a login and a revocation stay within it on a slow machine, short enough to wait out.
const CACHE_SECONDS = 3;
const START_TIMEOUT_MS = 20_000;

interface ResourceServer {
  url: string;
  child: ChildProcess;
  stderr: string[];
}

/**
 * The example of docs/resource-servers.md in a Node process of its own, as a team would run it:
 * written as an .mjs file inside the checkout, so that `openid-client`
 * resolves from its node_modules, and configured by environment only. Resolves
 * with its URL once it listens (it discovers the service's metadata first).
 */
async function startResourceServer(file: string, env: Record<string, string>): Promise<ResourceServer> {
  const child = spawn(process.execPath, [file], {
    cwd: ROOT,
    // PATH only of the test's environment: the example must need nothing but what its page names.
    env: { PATH: process.env.PATH ?? '', PORT: '0', CACHE_SECONDS: String(CACHE_SECONDS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the example did not listen within ${START_TIMEOUT_MS} ms: ${stderr.join('')}`)),
      START_TIMEOUT_MS,
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = /listening on port (\d+)/.exec(stdout);
      if (listening) {
        clearTimeout(timer);
        resolve(Number(listening[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the example exited with ${code} before listening: ${stderr.join('')}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child, stderr };
}

async function stop(server: ResourceServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  await exited;
}

/** docs/resource-servers.md: its resource server, run against the service. */
describe('The resource server of docs/resource-servers.md', () => {
  const logs = new LogCapture();
  let issuer: string;
  // The example compares the answers' exp with its own wall clock, and waits out its cache in real time.
  const t = useApp(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const app = await createTestApp({
      realClock: true,
      http: { publicUrl: issuer },
      oauth: { introspectionClients: new Map([[CLIENT_ID, SECRET]]) },
    });
    await app.app.listen(port, '127.0.0.1');
    return app;
  });

  const EMAIL = 'ada@example.com';
  let userId: number;
  let folder: string | undefined;
  let orders: ResourceServer | undefined;
  let misconfigured: ResourceServer | undefined;

  beforeAll(async () => {
    await resetDatabase(t.db);
    ({ userId } = await registerAndLogin(t.http, EMAIL));
    mkdirSync(join(ROOT, '.local'), { recursive: true });
    folder = mkdtempSync(join(ROOT, '.local', 'resource-server-guide-'));
    const file = join(folder, 'orders-api.mjs');
    writeFileSync(file, docSnippet('resource-servers.md', '// orders-api.mjs'));
    const client = { AUTH_URL: issuer, INTROSPECTION_CLIENT_ID: CLIENT_ID };
    orders = await startResourceServer(file, { ...client, INTROSPECTION_CLIENT_SECRET: SECRET });
    misconfigured = await startResourceServer(file, { ...client, INTROSPECTION_CLIENT_SECRET: `${SECRET}-old` });
  });

  afterAll(async () => {
    await Promise.all([stop(orders), stop(misconfigured)]);
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const ordersApi = () => request(orders!.url);
  /** The requests the service answered at its introspection endpoint so far. */
  const introspections = () => logs.lines().filter((line) => line.path === '/auth/introspect' && line.msg === 'request completed').length;

  it('lets a live access token in, with the user and scopes the service vouches for', async () => {
    const token = await login(t.http, EMAIL);

    const response = await ordersApi().get('/orders').set(bearer(token)).expect(200);

    expect(response.body).toEqual({ sub: String(userId), username: EMAIL, scope: grantedScopes(t) });
  });

  it('refuses a request without a token, and one whose token the service does not know', async () => {
    const without = await ordersApi().get('/orders').expect(401);
    expect(without.headers['www-authenticate']).toBe('Bearer');

    const unknown = await ordersApi().get('/orders').set(bearer('nat_made-up-token-0123456789')).expect(401);
    expect(unknown.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(unknown.body).toEqual({ error: 'invalid_token' });
  });

  it('asks the service once per token while its answer is cached, whether the token is live or not', async () => {
    const token = await login(t.http, EMAIL);
    const before = introspections();

    for (let i = 0; i < 3; i++) await ordersApi().get('/orders').set(bearer(token)).expect(200);
    for (let i = 0; i < 3; i++) await ordersApi().get('/orders').set(bearer('nat_another-made-up-token-42')).expect(401);

    expect(introspections() - before).toBe(2);
  });

  it('still lets a revoked token in from its cache, and refuses it once CACHE_SECONDS have passed', async () => {
    const token = await login(t.http, EMAIL);
    await ordersApi().get('/orders').set(bearer(token)).expect(200);

    await t.http.post('/auth/logout').set(bearer(token)).expect(204);
    // The service itself knows at once: the 200 below can come from the resource server's cache only.
    const asked = await t.http.post('/auth/introspect').auth(CLIENT_ID, SECRET).type('form').send({ token }).expect(200);
    expect(asked.body).toEqual({ active: false });
    await ordersApi().get('/orders').set(bearer(token)).expect(200);

    const refused = await eventually(
      async () => (await ordersApi().get('/orders').set(bearer(token))).status === 401,
      CACHE_SECONDS * 1000 + 10_000,
    );
    expect(refused).toBe(true);
  });

  it('lets nobody in, and says why in its log, when the service refuses its client credentials', async () => {
    const token = await login(t.http, EMAIL);

    const response = await request(misconfigured!.url).get('/orders').set(bearer(token)).expect(503);

    expect(response.body).toEqual({ error: 'temporarily_unavailable' });
    expect(misconfigured!.stderr.join('')).toContain('introspection failed');
    // Nothing was cached: the next request asks again, and is refused again.
    const before = introspections();
    await request(misconfigured!.url).get('/orders').set(bearer(token)).expect(503);
    expect(introspections() - before).toBe(1);
  });
});
