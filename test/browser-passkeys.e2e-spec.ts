import { readFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize } from 'node:path';
import { CDPSession, Page } from 'playwright-core';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium } from './support/chromium';
import { createTestApp, PASSWORD, resetDatabase, TestApp, verifyEmail } from './support/test-app';
import { closeServer, listen, docSnippet } from './support/web-pages';

const EMAIL = 'ada@example.com';
const CSRF_TOKEN_FORMAT = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;
const LIBRARY_DIR = join(dirname(require.resolve('@simplewebauthn/browser')), '..', 'esm');

/** What a page's call of docs/passkeys.md’s module gave: its value, or the error it threw. */
type Outcome<Value> = { value: Value } | { error: string; message: string };

/**
 * A web app's pages: `/` loads docs/passkeys.md’s passkey module, which imports
 * `@simplewebauthn/browser` (served from node_modules through an import map),
 * and exposes it as `window.passkeys`, the library as `window.webauthn`.
 */
function webApp(api: () => string): Server {
  return createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/') {
      const page = `<!doctype html><title>passkeys</title>
<script type="importmap">{ "imports": { "@simplewebauthn/browser": "/simplewebauthn/index.js" } }</script>
<script>const API = ${JSON.stringify(api())};</script>
<script type="module">
import * as passkeys from '/passkeys.js';
import * as webauthn from '@simplewebauthn/browser';
Object.assign(window, { passkeys, webauthn });
</script>`;
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    if (url === '/passkeys.js') {
      response
        .writeHead(200, { 'Content-Type': 'text/javascript' })
        .end(docSnippet('passkeys.md', '// Passkeys with @simplewebauthn/browser'));
      return;
    }
    const file = normalize(join(LIBRARY_DIR, url.replace(/^\/simplewebauthn\//, '')));
    if (!url.startsWith('/simplewebauthn/') || !file.startsWith(LIBRARY_DIR)) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (source) => response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(source),
      () => response.writeHead(404).end(),
    );
  });
}

/**
 * docs/passkeys.md’s passkey module in a real browser (headless Chromium) with
 * Chromium's own virtual authenticator, over CDP: CTAP2, internal transport,
 * resident keys, user verification; presence is simulated.
 */
describe('Passkeys in a real browser (headless Chromium, virtual authenticator)', () => {
  let t: TestApp;
  let browser: HeadlessChromium;
  let api = '';
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  const allowedApp = webApp(() => api);
  // Another port of localhost: a CORS origin, so that its calls reach the API, but not one of WEBAUTHN_ORIGINS.
  const otherOriginApp = webApp(() => api);
  // 127.0.0.1 is another site than localhost: the RP ID "localhost" is not its to use.
  const otherSiteApp = webApp(() => api);
  let origins: { allowed: string; otherOrigin: string; otherSite: string };

  beforeAll(async () => {
    origins = {
      allowed: `http://localhost:${await listen(allowedApp)}`,
      otherOrigin: `http://localhost:${await listen(otherOriginApp)}`,
      otherSite: `http://127.0.0.1:${await listen(otherSiteApp)}`,
    };
    t = await createTestApp({
      http: { corsOrigins: new Set([origins.allowed, origins.otherOrigin]) },
      session: { secureCookies: true },
      webauthn: { rpId: 'localhost', origins: [origins.allowed] },
      realClock: true,
    });
    await t.app.listen(0, '127.0.0.1');
    api = `http://localhost:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowedApp, otherOriginApp, otherSiteApp].filter((server) => server.listening).map(closeServer));
    await t?.close();
  });

  beforeEach(async () => {
    await resetDatabase(t.db);
    await browser.context.clearCookies();
    await t.http.post('/auth/register').send({ email: EMAIL, password: PASSWORD }).expect(201);
    // A passkey is added only to an account whose address is verified.
    await verifyEmail(t, EMAIL);
    page = await browser.context.newPage();
    cdp = await browser.context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
  });

  afterEach(() => page?.close());

  async function open(origin: string): Promise<void> {
    await page.goto(origin);
    await page.waitForFunction(() => 'passkeys' in globalThis);
  }

  /** Calls an export of docs/passkeys.md’s module in the page. */
  function call<Value>(name: 'addPasskey' | 'logInWithPasskey', ...args: unknown[]): Promise<Outcome<Value>> {
    return page.evaluate(
      async ({ name, args }) => {
        const module = (globalThis as unknown as { passkeys: Record<string, (...args: unknown[]) => Promise<unknown>> }).passkeys;
        try {
          return { value: (await module[name](...args)) as never };
        } catch (error) {
          return { error: (error as Error).name, message: (error as Error).message };
        }
      },
      { name, args },
    );
  }

  /** fetch() from the page, with its cookies, and a bearer token when given. */
  function fetchFrom(path: string, init: { method?: string; csrfToken?: string; token?: string } = {}) {
    return page.evaluate(
      async ({ url, method, csrfToken, token }) => {
        const headers: Record<string, string> = {};
        if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
        if (token) headers.Authorization = `Bearer ${token}`;
        const response = await fetch(url, { method, credentials: token ? 'omit' : 'include', headers });
        const text = await response.text();
        return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as unknown };
      },
      { url: `${api}${path}`, method: init.method ?? 'GET', csrfToken: init.csrfToken, token: init.token },
    );
  }

  async function passwordLoginFromPage(email = EMAIL): Promise<string> {
    return page.evaluate(
      async ({ url, email, password }) => {
        const response = await fetch(url, {
          method: 'POST',
          credentials: 'include',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
        if (response.status !== 204) throw new Error(`login answered ${response.status}`);
        return response.headers.get('X-CSRF-Token') ?? '';
      },
      { url: `${api}/auth/cookie/login`, email, password: PASSWORD },
    );
  }

  async function residentCredentials(): Promise<number> {
    return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length;
  }

  it('adds a passkey for a signed-in user, then logs in with it alone (cookie and bearer) and reads the user', async () => {
    await open(origins.allowed);
    const csrfToken = await passwordLoginFromPage();

    const added = await call<{ id: number; name: string }>('addPasskey', csrfToken, 'This browser', PASSWORD);

    expect(added).toEqual({ value: { id: expect.any(Number), name: 'This browser', createdAt: expect.any(String), lastUsedAt: null } });
    expect(await residentCredentials()).toBe(1);
    expect((await fetchFrom('/auth/cookie/logout', { method: 'POST', csrfToken })).status).toBe(204);
    expect((await fetchFrom('/users/me')).status).toBe(401);

    const cookieLogin = await call<string>('logInWithPasskey');
    expect(cookieLogin).toEqual({ value: expect.stringMatching(CSRF_TOKEN_FORMAT) });
    expect((await browser.context.cookies()).map((cookie) => cookie.name).sort()).toEqual(['__Host-csrf', '__Host-session']);
    expect(await fetchFrom('/users/me')).toMatchObject({ status: 200, body: { email: EMAIL } });

    const bearerLogin = await call<{ access_token: string; token_type: string }>('logInWithPasskey', { bearer: true });
    expect(bearerLogin).toMatchObject({ value: { token_type: 'bearer', access_token: expect.stringMatching(/^nat_/) } });
    const token = 'value' in bearerLogin ? bearerLogin.value.access_token : '';
    expect(await fetchFrom('/users/me', { token })).toMatchObject({ status: 200, body: { email: EMAIL } });

    // Chromium's authenticator counts its signatures: the stored counter followed it.
    const [passkey] = await t.db.query<Array<{ sign_count: number; last_used_at: Date | null }>>(
      'SELECT sign_count, last_used_at FROM passkeys',
    );
    const [held] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    expect(passkey.sign_count).toBeGreaterThan(0);
    expect(passkey.sign_count).toBe(held.signCount);
    expect(passkey.last_used_at).not.toBeNull();
  });

  it('lets a page on an origin outside WEBAUTHN_ORIGINS complete neither ceremony, though the authenticator answers it', async () => {
    await open(origins.allowed);
    await call('addPasskey', await passwordLoginFromPage(), 'This browser', PASSWORD);

    await t.http.post('/auth/register').send({ email: 'bob@example.com', password: PASSWORD }).expect(201);
    await verifyEmail(t, 'bob@example.com');
    await page.goto('about:blank');
    await browser.context.clearCookies();
    await open(origins.otherOrigin);

    // localhost's passkey is the other port's too for the browser: it signs, and the server refuses the origin.
    const login = await call('logInWithPasskey', { bearer: true });
    expect(login).toEqual({ error: 'Error', message: 'The passkey could not sign you in' });
    // Another user signed in there: the authenticator makes a passkey, and the server refuses to register it.
    const registration = await call('addPasskey', await passwordLoginFromPage('bob@example.com'), 'From elsewhere', PASSWORD);
    expect(registration).toEqual({ error: 'Error', message: expect.stringMatching(/^The passkey response is malformed, for another/) });
    expect(await residentCredentials()).toBe(2);
    expect(await t.db.query('SELECT name FROM passkeys')).toEqual([{ name: 'This browser' }]);
  });

  it('lets a page of another site not even ask the authenticator for the RP ID', async () => {
    await open(origins.allowed);
    await call('addPasskey', await passwordLoginFromPage(), 'This browser', PASSWORD);
    const signCount = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0].signCount;
    const before = await signCount();
    await open(origins.otherSite);
    const options = (await t.http.post('/auth/passkeys/authentication-options').expect(200)).body as unknown;

    const outcome = await page.evaluate(async (optionsJSON) => {
      const { webauthn } = globalThis as unknown as { webauthn: { startAuthentication: (options: unknown) => Promise<unknown> } };
      try {
        return { value: await webauthn.startAuthentication({ optionsJSON }) };
      } catch (error) {
        return { error: (error as Error).name, message: (error as Error).message };
      }
    }, options);

    // The browser refuses before any authenticator is asked: WebAuthn's RP ID check (§5.1.4.1 step 7).
    expect(outcome).toEqual({ error: 'SecurityError', message: '127.0.0.1 is an invalid domain' });
    expect(await signCount()).toBe(before);
  });
});
