import { createServer } from 'node:http';
import type { Page } from 'playwright-core';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium, servedTestApp } from '../support/chromium';
import { bearer, PASSWORD, registerVerified, TestApp, turnMfaOn } from '../support/test-app';
import { totpOf } from '../support/totp';
import { announced, axeViolations } from '../support/page-checks';
import { OidcTestProvider, startOidcProvider } from '../support/providers/oidc-provider';
import { closeServer, listen } from '../support/web-pages';

/**
 * docs/api.md "Account pages": `/` (sign in, the MFA step), `/register` and
 * the start of `/account` (who is signed in, sign out), in Chromium by their
 * accessible names, through the cookie session and its CSRF token, each state
 * without a WCAG 2.1 A/AA violation (axe-core); sign-in from the keyboard alone.
 */
describe('The sign-in, registration and account pages', () => {
  let browser: HeadlessChromium;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, base } = await servedTestApp((url) => ({
      http: { publicUrl: url },
      mail: { appUrl: url },
      session: { secureCookies: true },
      realClock: true,
    })));
    browser = await launchChromium();
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const newPage = async (path: string): Promise<Page> => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(`${base}${path}`);
    return page;
  };
  const signIn = async (page: Page, email: string, password = PASSWORD) => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  it('creates an account, and says to check the mail', async () => {
    const page = await newPage('/register');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Email').fill('pages.new.account@example.com');
    await page.getByLabel('Password').fill('a password of my own');
    await page.getByRole('button', { name: 'Create account' }).click();

    expect(await announced(page, 'status')).toBe(
      'Your account is created. Check your mail: a link to confirm pages.new.account@example.com is on its way.',
    );
    expect(await t.db.query('SELECT id FROM users WHERE email = ?', ['pages.new.account@example.com'])).toHaveLength(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('signs in with email and password, shows the account, and signs out', async () => {
    await registerVerified(t, 'pages.sign.in@example.com');
    const page = await newPage('/');
    expect(await axeViolations(page)).toEqual([]);

    await signIn(page, 'pages.sign.in@example.com');

    await page.waitForURL(`${base}/account`);
    await page.getByText('pages.sign.in@example.com', { exact: true }).waitFor();
    expect(await page.locator('#email-state').textContent()).toBe('confirmed');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/`);
    // Signed out for good: the account page sends the browser back.
    await page.goto(`${base}/account`);
    await page.waitForURL(`${base}/`);
    await page.close();
  });

  it('shows a wrong password as an alert and stays on the page', async () => {
    const page = await newPage('/');

    await signIn(page, 'pages.sign.in@example.com', 'not the password');

    expect(await announced(page, 'alert')).toBe('The email or password is incorrect');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('asks for the code of the second factor after the right password, then signs in', async () => {
    const { token } = await registerVerified(t, 'pages.mfa@example.com');
    const { secret } = await turnMfaOn(t.http, token, new Date());
    const page = await newPage('/');

    await signIn(page, 'pages.mfa@example.com');

    await page.getByLabel('Code').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // The next time step's code: the one of enrolment is spent.
    await page.getByLabel('Code').fill(totpOf(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${base}/account`);
    await page.getByText('pages.mfa@example.com', { exact: true }).waitFor();
    await page.close();
  });

  it('signs in and turns two-factor authentication on from the keyboard alone: Tab, typing and Enter', async () => {
    await registerVerified(t, 'pages.keyboard@example.com');
    const page = await newPage('/');
    const tabTo = async (label: string) => {
      const target = page.getByRole('region', { name: 'Two-factor authentication' }).getByLabel(label).filter({ visible: true });
      for (let presses = 0; presses < 40; presses++) {
        await page.keyboard.press('Tab');
        if ((await target.and(page.locator(':focus')).count()) === 1) return;
      }
      throw new Error(`Tab never reached ${label}`);
    };

    await page.keyboard.press('Tab');
    await page.keyboard.type('pages.keyboard@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/account`);
    await page.getByText('pages.keyboard@example.com', { exact: true }).waitFor();

    await tabTo('Current password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    // The code field has the focus once the secret is shown.
    const secret = (await page.getByRole('region', { name: 'Two-factor authentication' }).getByRole('code').textContent()) ?? '';
    await page.keyboard.type(totpOf(secret, new Date()));
    await page.keyboard.press('Enter');

    expect(await announced(page, 'status')).toBe('Two-factor authentication is on.');
    const enabled = await t.db.query<Array<{ at: Date | null }>>('SELECT mfa_enabled_at AS at FROM users WHERE email = ?', [
      'pages.keyboard@example.com',
    ]);
    expect(enabled[0].at).not.toBeNull();
    await page.close();
  });

  it('shows an email of the symbols an address may hold as text, not markup', async () => {
    // `<`, `>` and `"` are no part of an address (a token name or a User-Agent with markup: the journey's suite).
    const email = "x'/onerror=alert`1`&amp{{7*7}}@example.com";
    await registerVerified(t, email);
    const page = await newPage('/');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    await signIn(page, email);

    await page.waitForURL(`${base}/account`);
    await page.getByText(email, { exact: true }).waitFor();
    expect(await page.locator('#email').textContent()).toBe(email);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('refuses every page action posted by a form of another site, with the session cookie in the browser', async () => {
    const { token } = await registerVerified(t, 'pages.cross.site@example.com');
    const page = await newPage('/');
    await signIn(page, 'pages.cross.site@example.com');
    await page.waitForURL(`${base}/account`);
    const tokensBefore = await t.db.query('SELECT id FROM access_tokens ORDER BY id');
    // The actions a page may take with a POST, each posted by another site's form as forms can: urlencoded, multipart, text/plain.
    const actions = [
      ['/auth/tokens', 'text/plain', '{"name":"cross-site","scopes":["account"],"x":"', '"}'],
      ['/auth/mfa/totp', 'application/x-www-form-urlencoded', 'currentPassword', PASSWORD],
      ['/auth/email-verification', 'multipart/form-data', 'x', 'y'],
      ['/auth/identities', 'application/x-www-form-urlencoded', 'provider', 'test'],
      ['/auth/passkeys/registration-options', 'application/x-www-form-urlencoded', 'currentPassword', PASSWORD],
      ['/auth/cookie/logout', 'application/x-www-form-urlencoded', 'x', 'y'],
    ];
    const forms = actions
      .map(
        ([path, type, name, value], index) =>
          `<iframe name="f${index}"></iframe><form target="f${index}" method="post" enctype="${type}" action="${base}${path}">` +
          `<input name='${name}' value='${value}'></form>`,
      )
      .join('');
    const otherSite = createServer((_request, response) =>
      response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><title>another site</title>${forms}
<script>for (const form of document.forms) form.submit();</script>`),
    );
    const answers: number[] = [];
    const answered = new Promise<void>((resolve) =>
      page.on('response', (response) => {
        if (response.url().startsWith(base) && response.request().method() === 'POST') answers.push(response.status());
        if (answers.length === actions.length) resolve();
      }),
    );
    try {
      await page.goto(`http://127.0.0.1:${await listen(otherSite)}/`);
      await answered;
    } finally {
      await closeServer(otherSite);
    }

    // Refused: no session cookie crosses sites (SameSite=Lax), no CSRF token, or a body type the API never takes.
    expect(answers).toHaveLength(actions.length);
    for (const status of answers) expect([401, 403, 415]).toContain(status);
    expect(await t.db.query('SELECT id FROM access_tokens ORDER BY id')).toEqual(tokensBefore);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await page.goto(`${base}/account`);
    await page.getByText('pages.cross.site@example.com', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Two-factor authentication' }).getByText('Off.', { exact: true }).waitFor();
    await page.close();
  });
});

describe('The sign-in page with an identity provider', () => {
  let browser: HeadlessChromium;
  let provider: OidcTestProvider;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, base } = await servedTestApp(async (url) => {
      provider = await startOidcProvider([`${url}/auth/providers/test/callback`]);
      return {
        http: { publicUrl: url },
        mail: { appUrl: url },
        session: { secureCookies: true },
        realClock: true,
        identityProviders: { providers: [provider.setting('test', 'Test provider')] },
      };
    }));
    browser = await launchChromium();
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await provider?.stop();
  });

  it('signs in through the provider’s button and lands on the account page', async () => {
    await provider.setAccounts({ 'page-person': { email: 'pages.provider@example.com', email_verified: true } });
    await provider.nextSignIn({ sub: 'page-person' });
    const page = await browser.context.newPage();
    await page.goto(`${base}/`);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Sign in with Test provider' }).click();

    await page.waitForURL(`${base}/account`);
    await page.getByText('pages.provider@example.com', { exact: true }).waitFor();
    expect(await page.locator('#email-state').textContent()).toBe('confirmed');
    await page.close();
  });

  it('asks for the code of the second factor when the account has it on', async () => {
    // A verified account with two-factor authentication on; the provider vouches for its address, so it links itself.
    const { token } = await registerVerified(t, 'pages.provider.mfa@example.com');
    const { recoveryCodes } = await turnMfaOn(t.http, token, new Date());
    await provider.setAccounts({ 'page-mfa-person': { email: 'pages.provider.mfa@example.com', email_verified: true } });
    await provider.nextSignIn({ sub: 'page-mfa-person' });
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(`${base}/`);

    await page.getByRole('button', { name: 'Sign in with Test provider' }).click();

    await page.getByLabel('Code').waitFor();
    expect(page.url()).toBe(`${base}/`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Code').fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${base}/account`);
    await page.getByText('pages.provider.mfa@example.com', { exact: true }).waitFor();
    await page.close();
  });

  it('says so when the person refuses at the provider', async () => {
    await provider.nextSignIn({ error: 'access_denied' });
    const page = await browser.context.newPage();
    await browser.context.clearCookies();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Sign in with Test provider' }).click();

    expect(await announced(page, 'alert')).toBe('The sign-in was cancelled at the provider.');
    expect(page.url()).toBe(`${base}/`);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
