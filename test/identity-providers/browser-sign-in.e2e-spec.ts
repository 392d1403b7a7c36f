import { createServer, Server } from 'node:http';
import type { Page } from 'playwright-core';
import { freePort } from '../../bench/support/processes';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium } from '../support/chromium';
import { OidcTestProvider, startOidcProvider } from '../support/providers/oidc-provider';
import { createTestApp, TestApp } from '../support/test-app';
import { closeServer, docSnippet, listen } from '../support/web-pages';

interface SignInOutcome {
  signedIn?: boolean;
  accessToken?: string;
  error?: string;
}

/** What the app's pages put on their global object for the test to read and call. */
interface AppPageScope {
  outcome?: SignInOutcome;
  signInWith?: (provider: string, mode: string, redirectTo: string) => Promise<void>;
}

/**
 * docs/identity-providers.md "The app's part": its front-end module, served by an app of
 * its own origin, signs a person in through a real OpenID Connect provider's
 * pages in Chromium, in cookie mode and in token mode.
 */
describe('Sign-in through a provider in a browser (the documented module)', () => {
  let browser: HeadlessChromium;
  let provider: OidcTestProvider;
  let t: TestApp;
  let appPage: Server;
  let authUrl: string;
  let appOrigin: string;

  beforeAll(async () => {
    const servicePort = await freePort();
    authUrl = `http://localhost:${servicePort}`;
    provider = await startOidcProvider([`${authUrl}/auth/providers/test/callback`]);
    const snippet = docSnippet('identity-providers.md', '// provider-sign-in.mjs');
    appPage = createServer((request, response) => {
      if (request.url === '/provider-sign-in.mjs') {
        // The app points the module at its service: the one line the module says to change.
        const module = snippet.replace(/export const AUTH = '[^']*';/, `export const AUTH = '${authUrl}';`);
        return void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(module);
      }
      const script = request.url?.startsWith('/signed-in')
        ? "import { finishSignIn } from '/provider-sign-in.mjs'; window.outcome = await finishSignIn();"
        : "import { signIn } from '/provider-sign-in.mjs'; window.signInWith = signIn;";
      response
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end(`<!doctype html><title>App</title><script type="module">${script}</script>`);
    });
    appOrigin = `http://localhost:${await listen(appPage)}`;
    t = await createTestApp({
      http: { publicUrl: authUrl, corsOrigins: new Set([appOrigin]) },
      session: { secureCookies: true },
      identityProviders: { providers: [provider.setting('test', 'Test provider')] },
      realClock: true,
    });
    await t.app.listen(servicePort, '127.0.0.1');
    browser = await launchChromium();
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (appPage?.listening) await closeServer(appPage);
    await provider?.stop();
  });

  const signInInBrowser = async (page: Page, mode: 'cookie' | 'token'): Promise<SignInOutcome> => {
    // The provider remembers who signed in there last: each test's person signs in afresh.
    await browser.context.clearCookies({ domain: '127.0.0.1' });
    await page.goto(`${appOrigin}/`);
    await page.waitForFunction(() => typeof (globalThis as unknown as AppPageScope).signInWith === 'function');
    await Promise.all([
      page.waitForURL(`${appOrigin}/signed-in**`),
      page.evaluate(([chosen, redirectTo]) => void (globalThis as unknown as AppPageScope).signInWith?.('test', chosen, redirectTo), [
        mode,
        `${appOrigin}/signed-in`,
      ] as const),
    ]);
    await page.waitForFunction(() => (globalThis as unknown as AppPageScope).outcome !== undefined);
    return page.evaluate(() => (globalThis as unknown as AppPageScope).outcome!);
  };
  /** GET /users/me from the app's page: with its cookies (credentials: 'include'), or with a bearer token. */
  const me = (page: Page, bearerToken?: string) =>
    page.evaluate(
      async ([url, token]) => {
        const response = await fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : { credentials: 'include' });
        return { status: response.status, body: (await response.json()) as { email?: string } };
      },
      [`${authUrl}/users/me`, bearerToken] as const,
    );

  it('signs in with cookies: the page comes back with a session the app’s fetch carries', async () => {
    await provider.setAccounts({ 'browser-cookie': { email: 'browser.cookie@example.com', email_verified: true } });
    await provider.nextSignIn({ sub: 'browser-cookie' });
    const page = await browser.context.newPage();

    const outcome = await signInInBrowser(page, 'cookie');

    expect(outcome).toEqual({ signedIn: true });
    expect(page.url()).toBe(`${appOrigin}/signed-in`);
    expect(await me(page)).toEqual({
      status: 200,
      body: expect.objectContaining({ email: 'browser.cookie@example.com' }),
    });
    await page.close();
  });

  it('signs in for a token: the one-time code, exchanged with the page’s verifier, gives a bearer token', async () => {
    await provider.setAccounts({ 'browser-token': { email: 'browser.token@example.com', email_verified: true } });
    await provider.nextSignIn({ sub: 'browser-token' });
    const page = await browser.context.newPage();

    const outcome = await signInInBrowser(page, 'token');

    expect(outcome.accessToken).toMatch(/^nat_/);
    // The code left the address bar once used.
    expect(page.url()).toBe(`${appOrigin}/signed-in`);
    expect(await me(page, outcome.accessToken)).toEqual({
      status: 200,
      body: expect.objectContaining({ email: 'browser.token@example.com' }),
    });
    await page.close();
  });

  it('comes back with the error when the person refuses at the provider', async () => {
    await provider.nextSignIn({ error: 'access_denied' });
    const page = await browser.context.newPage();

    expect(await signInInBrowser(page, 'cookie')).toEqual({ error: 'ACCESS_DENIED' });
    await page.close();
  });
});
