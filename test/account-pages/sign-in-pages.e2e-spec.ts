import type { Page } from 'playwright-core';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium, servedTestApp } from '../support/chromium';
import { PASSWORD, registerVerified, TestApp, turnMfaOn } from '../support/test-app';
import { totpOf } from '../support/totp';
import { announced, axeViolations } from '../support/page-checks';
import { OidcTestProvider, startOidcProvider } from '../support/providers/oidc-provider';

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
    await page.getByRole('button', { name: 'Sign in' }).click();
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
    await page.getByText('pages.sign.in@example.com').waitFor();
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
    await page.getByText('pages.mfa@example.com').waitFor();
    await page.close();
  });

  it('signs in from the keyboard alone: Tab, typing and Enter', async () => {
    await registerVerified(t, 'pages.keyboard@example.com');
    const page = await newPage('/');

    await page.keyboard.press('Tab');
    await page.keyboard.type('pages.keyboard@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    await page.waitForURL(`${base}/account`);
    await page.getByText('pages.keyboard@example.com').waitFor();
    expect(await page.locator('#email').textContent()).toBe('pages.keyboard@example.com');
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
    await page.getByText('pages.provider@example.com').waitFor();
    expect(await page.locator('#email-state').textContent()).toBe('confirmed');
    await page.close();
  });
});
