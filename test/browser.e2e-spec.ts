import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium } from './support/chromium';
import { createTestApp, login, PASSWORD, resetDatabase, rowCounts, TestApp, turnMfaOn, verifyEmail } from './support/test-app';
import { totpOf } from './support/totp';
import { closeServer, listen, docSnippet } from './support/web-pages';

const EMAIL = 'ada@example.com';

/** The login function docs/mfa.md gives front ends for accounts with MFA on. */
const readmeMfaLogin = () => docSnippet('mfa.md', '// Log in with the cookie session');
const NEW_EMAIL = 'ada.lovelace@example.com';
const CSRF_TOKEN_FORMAT = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;

interface AccountState {
  email: string;
  pendingEmail: string | null;
  tokens: number;
}

interface Write {
  name: string;
  method: string;
  path: string;
  json?: unknown;
  status: number;
  /** What the write does to the account, which holds two sessions. */
  changes: Partial<AccountState>;
}

const WRITES: Write[] = [
  {
    name: 'PATCH /users/me',
    method: 'PATCH',
    path: '/users/me',
    json: { email: NEW_EMAIL, currentPassword: PASSWORD },
    status: 200,
    changes: { pendingEmail: NEW_EMAIL },
  },
  { name: 'DELETE /auth/tokens', method: 'DELETE', path: '/auth/tokens', status: 204, changes: { tokens: 1 } },
];

interface FetchAnswer {
  status: number;
  body: unknown;
  csrfToken: string | null;
}

/** What a page's fetch() gave back: the answer, or the name of the error it rejected with. */
type FetchOutcome = FetchAnswer | { error: string };

interface FetchOptions {
  method?: string;
  json?: unknown;
  csrfToken?: string;
}

/** fetch() with the browser's cookies, run by the page's own script, so that its origin applies. */
function fetchFrom(page: Page, url: string, options: FetchOptions = {}): Promise<FetchOutcome> {
  return page.evaluate(
    async ({ url, method, json, csrfToken }) => {
      const headers: Record<string, string> = {};
      if (json !== undefined) headers['Content-Type'] = 'application/json';
      if (csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken;
      try {
        const response = await fetch(url, {
          method,
          credentials: 'include',
          headers,
          body: json === undefined ? undefined : JSON.stringify(json),
        });
        const text = await response.text();
        return { status: response.status, body: text === '' ? null : JSON.parse(text), csrfToken: response.headers.get('X-CSRF-Token') };
      } catch (error) {
        return { error: (error as Error).name };
      }
    },
    { url, method: options.method ?? 'GET', json: options.json, csrfToken: options.csrfToken },
  );
}

function answered(outcome: FetchOutcome): FetchAnswer {
  if ('error' in outcome) throw new Error(`fetch() rejected with ${outcome.error}`);
  return outcome;
}

/** A blank HTML page: its only purpose is to give the scripts run in it an origin. */
function pageServer(): Server {
  return createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>page</title>');
  });
}

describe('Cookie sessions in a real browser (headless Chromium)', () => {
  let t: TestApp;
  let browser: HeadlessChromium;
  let context: BrowserContext;
  let page: Page;
  let api: string;
  let userId: number;
  /** Every request that reached the API during the current test, as the browser sent it. */
  const arrived: Array<{ method: string; path: string }> = [];

  // Cookies ignore ports: localhost:<port> pages share the API's site, and 127.0.0.1 is another site.
  const allowedPage = pageServer();
  const sameSitePage = pageServer();
  const crossSitePage = pageServer();
  let origins: { allowed: string; sameSite: string; crossSite: string };

  beforeAll(async () => {
    origins = {
      allowed: `http://localhost:${await listen(allowedPage)}`,
      sameSite: `http://localhost:${await listen(sameSitePage)}`,
      crossSite: `http://127.0.0.1:${await listen(crossSitePage)}`,
    };

    // The production cookies, Secure and __Host-: Chromium counts http://localhost as a secure origin.
    t = await createTestApp({ http: { corsOrigins: new Set([origins.allowed]) }, session: { secureCookies: true }, realClock: true });
    await t.app.listen(0, '127.0.0.1');
    const apiServer = t.app.getHttpServer();
    api = `http://localhost:${(apiServer.address() as AddressInfo).port}`;
    apiServer.prependListener('request', (request: IncomingMessage) =>
      arrived.push({ method: request.method ?? '', path: request.url ?? '' }),
    );

    browser = await launchChromium();
    context = browser.context;
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowedPage, sameSitePage, crossSitePage].filter((server) => server.listening).map(closeServer));
    await t?.close();
  });

  beforeEach(async () => {
    await resetDatabase(t.db);
    await context.clearCookies();
    const registered = await t.http.post('/auth/register').send({ email: EMAIL, password: PASSWORD }).expect(201);
    userId = registered.body.id;
    // Verified: some cases turn MFA on, which an unverified address may not.
    await verifyEmail(t, EMAIL);
    // A second session, for DELETE /auth/tokens to revoke.
    await login(t.http, EMAIL);
    page = await context.newPage();
    arrived.length = 0;
  });

  afterEach(() => page?.close());

  async function accountState(): Promise<AccountState> {
    const [user] = await t.db.query('SELECT email, pending_email AS pendingEmail FROM users WHERE id = ?', [userId]);
    return { email: user.email, pendingEmail: user.pendingEmail, tokens: (await rowCounts(t.db)).tokens };
  }

  /** Logs the browser in from the allowed page, and leaves the page there; returns the CSRF token. */
  async function logInOnAllowedPage(): Promise<string> {
    await page.goto(origins.allowed);
    const answer = answered(
      await fetchFrom(page, `${api}/auth/cookie/login`, { method: 'POST', json: { email: EMAIL, password: PASSWORD } }),
    );
    expect(answer).toEqual({ status: 204, body: null, csrfToken: expect.stringMatching(CSRF_TOKEN_FORMAT) });
    return answer.csrfToken!;
  }

  describe('a page of an allowed origin', () => {
    it('logs in, keeps the session cookie out of its script, and reads the user with the cookie', async () => {
      const csrfToken = await logInOnAllowedPage();

      expect(await page.evaluate('document.cookie')).toBe(`__Host-csrf=${csrfToken}`);
      const me = answered(await fetchFrom(page, `${api}/users/me`));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: userId, email: EMAIL });
    });

    it.each(WRITES)('$name with the CSRF token from the login answer succeeds', async (write) => {
      const csrfToken = await logInOnAllowedPage();
      const before = await accountState();

      const outcome = answered(await fetchFrom(page, api + write.path, { method: write.method, json: write.json, csrfToken }));

      expect(outcome.status).toBe(write.status);
      expect(await accountState()).toEqual({ ...before, ...write.changes });
    });

    it('logs in a user with MFA on: the password gets MFA_REQUIRED and no cookie, the code the session, which then writes with its CSRF token', async () => {
      const { secret } = await turnMfaOn(t.http, await login(t.http, EMAIL), new Date());
      await page.goto(origins.allowed);

      await page.addScriptTag({ content: `const API = ${JSON.stringify(api)};\n${readmeMfaLogin()}` });
      await page.exposeFunction('cookiesNow', async () => (await context.cookies()).map((cookie) => cookie.name));

      const { csrfToken, cookiesWhenAsked } = await page.evaluate(
        async ({ email, password, code }) => {
          const scope = globalThis as unknown as {
            logIn(email: string, password: string, askForCode: () => Promise<string>): Promise<string>;
            cookiesNow(): Promise<string[]>;
          };
          let cookies: string[] = [];
          const token = await scope.logIn(email, password, async () => {
            cookies = await scope.cookiesNow();
            return code;
          });
          return { csrfToken: token, cookiesWhenAsked: cookies };
        },
        // The code of the next step: the confirmation used this one's, and a code is accepted once.
        { email: EMAIL, password: PASSWORD, code: totpOf(secret, new Date(Date.now() + 30_000)) },
      );

      // Asked for the code after the right password, the browser held no session yet.
      expect(cookiesWhenAsked).toEqual([]);
      expect(csrfToken).toMatch(CSRF_TOKEN_FORMAT);
      expect((await context.cookies()).map((cookie) => cookie.name).sort()).toEqual(['__Host-csrf', '__Host-session']);

      const me = answered(await fetchFrom(page, `${api}/users/me`));
      expect(me).toMatchObject({ status: 200, body: { email: EMAIL, mfaEnabled: true } });
      const write = answered(await fetchFrom(page, `${api}/auth/tokens`, { method: 'DELETE', csrfToken }));
      expect(write.status).toBe(204);
      expect(answered(await fetchFrom(page, `${api}/auth/tokens`, { method: 'DELETE' }))).toMatchObject({
        status: 403,
        body: { code: 'CSRF_FAILED' },
      });
    });

    it.each(WRITES)('$name without the CSRF token is refused with 403 CSRF_FAILED', async (write) => {
      await logInOnAllowedPage();
      const before = await accountState();

      const outcome = answered(await fetchFrom(page, api + write.path, { method: write.method, json: write.json }));

      expect(outcome).toMatchObject({ status: 403, body: { code: 'CSRF_FAILED' } });
      expect(await accountState()).toEqual(before);
    });
  });

  describe.each([
    ['a cross-site page', 'crossSite'],
    ['a page of the same site but another origin', 'sameSite'],
  ] as const)('%s, not in the allow-list, in the browser of a logged-in user', (_name, kind) => {
    let csrfToken: string;
    let before: AccountState;

    beforeEach(async () => {
      csrfToken = await logInOnAllowedPage();
      before = await accountState();
      await page.goto(origins[kind]);
      arrived.length = 0;
    });

    /** Puts a form on the page and submits it by script, as a hostile page would; returns the API's answer. */
    async function submitForm(path: string, enctype: string, fields: Record<string, string>) {
      const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`);
      await page.setContent(`<form method="post" action="${api}${path}" enctype="${enctype}">${inputs.join('')}</form>`);
      const [response] = await Promise.all([page.waitForResponse(api + path), page.evaluate('document.forms[0].submit()')]);
      return response;
    }

    it('cannot read the user: CORS withholds the answer and fetch() rejects', async () => {
      expect(await fetchFrom(page, `${api}/users/me`)).toEqual({ error: 'TypeError' });
      expect(arrived).toContainEqual({ method: 'GET', path: '/users/me' });
    });

    it.each(WRITES)('cannot $name with fetch(), even holding the CSRF token: the preflight stops it', async (write) => {
      const outcome = await fetchFrom(page, api + write.path, { method: write.method, json: write.json, csrfToken });

      expect(outcome).toEqual({ error: 'TypeError' });
      expect(arrived).toContainEqual({ method: 'OPTIONS', path: write.path });
      expect(arrived).not.toContainEqual({ method: write.method, path: write.path });
      expect(await accountState()).toEqual(before);
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded'])('cannot log the user out with a form posted as %s', async (enctype) => {
      const response = await submitForm('/auth/cookie/logout', enctype, { reason: 'csrf' });

      expect(response.status()).toBeGreaterThanOrEqual(400);
      expect(await accountState()).toEqual(before);
    });

    it('cannot log the browser into another account with a form (login CSRF)', async () => {
      await t.http.post('/auth/register').send({ email: 'mallory@example.com', password: PASSWORD }).expect(201);
      const cookies = await context.cookies(api);

      const response = await submitForm('/auth/cookie/login', 'application/x-www-form-urlencoded', {
        username: 'mallory@example.com',
        password: PASSWORD,
      });

      expect(response.status()).toBe(403);
      expect(await context.cookies(api)).toEqual(cookies);
      expect(await accountState()).toEqual(before);
    });
  });
});
