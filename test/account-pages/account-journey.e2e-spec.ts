import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Locator, Page } from 'playwright-core';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium, servedTestApp } from '../support/chromium';
import { mailedLink } from '../support/mailed-links';
import { announced, axeViolations } from '../support/page-checks';
import { OidcTestProvider, startOidcProvider } from '../support/providers/oidc-provider';
import { SmtpSink } from '../support/smtp-sink';
import { bearer, TestApp } from '../support/test-app';
import { totpOf } from '../support/totp';

const EMAIL = 'journey@example.com';
const NEW_EMAIL = 'journey.moved@example.com';
const FIRST_PASSWORD = 'my first password here';
const SECOND_PASSWORD = 'my second password here';
const THIRD_PASSWORD = 'my third password here';
/** Markup where text belongs: in a token name, and in a User-Agent that the events list shows. */
const MARKUP = '<img src=x onerror=alert(document.domain)>';
/** The pictures of the README's section "The account pages". */
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'account-pages');

/**
 * docs/api.md "Account pages", the whole journey of one person in Chromium,
 * by accessible names only, with a CDP virtual authenticator, the tests' SMTP
 * server and OpenID provider: every page and state passes axe-core's WCAG 2.1
 * A/AA rules, nothing goes to another origin, no dialog opens, and the
 * secrets shown once (TOTP secret, recovery codes, a personal token) are gone
 * after a reload, stored nowhere in the browser (security items 70-73).
 */
describe('The account pages, the whole journey', () => {
  jest.setTimeout(60_000);
  let browser: HeadlessChromium;
  let provider: OidcTestProvider;
  let sink: SmtpSink;
  let t: TestApp;
  let base: string;
  let page: Page;
  let cdp: CDPSession;
  const otherOrigins: string[] = [];
  const dialogs: string[] = [];
  let secret = '';
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    ({ t, base } = await servedTestApp(async (url) => {
      provider = await startOidcProvider([`${url}/auth/providers/test/callback`]);
      return {
        http: { publicUrl: url },
        mail: { appUrl: url },
        mailSink: sink,
        session: { secureCookies: true },
        webauthn: { rpId: 'localhost', origins: [url] },
        identityProviders: { providers: [provider.setting('test', 'Test provider')] },
        realClock: true,
      };
    }));
    browser = await launchChromium();
    await browser.context.clearCookies();
    const providerOrigin = new URL(provider.issuer).origin;
    browser.context.on('request', (request) => {
      const origin = new URL(request.url()).origin;
      // The provider's own pages are the one other origin a provider sign-in visits.
      if (origin !== base && origin !== providerOrigin) otherOrigins.push(request.url());
    });
    page = await browser.context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    cdp = await browser.context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await provider?.stop();
    await sink?.stop();
  });

  const region = (name: string): Locator => page.getByRole('region', { name });
  /** A field by its label among those shown (a section keeps the forms of its other states hidden). */
  const field = (scope: Page | Locator, label: string): Locator => scope.getByLabel(label, { exact: true }).filter({ visible: true });
  const userRow = async () =>
    (
      await t.db.query<Array<{ id: number; verified: Date | null; mfa: Date | null }>>(
        'SELECT id, email_verified_at AS verified, mfa_enabled_at AS mfa FROM users WHERE email = ?',
        [EMAIL],
      )
    )[0];
  /** The page passes axe-core, and what it shows once it is reloaded, its URL and its storage hold none of these. */
  const expectAccessible = async () => expect(await axeViolations(page)).toEqual([]);
  const expectForgotten = async (secrets: string[]) => {
    await page.reload();
    await page.getByText('Signed in as').waitFor();
    const shown = (await page.content()) + page.url();
    const stored = await page.evaluate(() => {
      const browser = globalThis as unknown as { localStorage: object; sessionStorage: object; document: { cookie: string } };
      return JSON.stringify([{ ...browser.localStorage }, { ...browser.sessionStorage }, browser.document.cookie]);
    });
    for (const secret of secrets) {
      expect(shown).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  };
  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const signInWithPassword = async (password: string) => {
    await page.goto(`${base}/`);
    await field(page, 'Email').fill(EMAIL);
    await field(page, 'Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/`);
  };
  /** A code of the second factor, as the person reads it from the list the page showed once. */
  const recoveryCode = () => {
    const code = recoveryCodes.shift();
    if (code === undefined) throw new Error('no recovery code left');
    return code;
  };

  it('registers, and the mailed link confirms the address only on its button', async () => {
    await page.goto(`${base}/register`);
    await expectAccessible();
    await screenshot('register');
    await field(page, 'Email').fill(EMAIL);
    await field(page, 'Password').fill(FIRST_PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await announced(page, 'status')).toMatch(/^Your account is created/);

    await page.goto(await mailedLink(t, EMAIL, 'Confirm your email address'));
    await page.getByRole('button', { name: 'Confirm my email address' }).waitFor();
    await screenshot('verify-email');
    expect((await userRow()).verified).toBeNull();
    await expectAccessible();
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    expect(await announced(page, 'status')).toMatch(/^Your email address is confirmed/);
    await expectAccessible();
    expect((await userRow()).verified).not.toBeNull();
    expect(page.url()).toBe(`${base}/verify-email`);
  });

  it('signs in, and turns two-factor authentication on with the secret shown', async () => {
    await page.goto(`${base}/`);
    await expectAccessible();
    await screenshot('sign-in');
    await signInWithPassword(FIRST_PASSWORD);
    await page.waitForURL(`${base}/account`);
    await page.getByText(EMAIL).first().waitFor();
    await expectAccessible();

    const twoFactor = region('Two-factor authentication');
    await field(twoFactor, 'Current password').fill(FIRST_PASSWORD);
    await twoFactor.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await twoFactor.getByRole('img', { name: /QR code/ }).waitFor();
    await expectAccessible();
    secret = (await twoFactor.getByRole('code').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    await field(twoFactor, 'Code').fill(totpOf(secret, new Date()));
    await twoFactor.getByRole('button', { name: 'Verify' }).click();

    expect(await announced(page, 'status')).toBe('Two-factor authentication is on.');
    recoveryCodes = await twoFactor.getByRole('list').getByRole('listitem').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    expect((await userRow()).mfa).not.toBeNull();
    await expectAccessible();
    await screenshot('account');
    await expectForgotten([secret, ...recoveryCodes]);
  });

  it('signs out, and signs in again with the code of the second factor', async () => {
    await signOut();
    await signInWithPassword(FIRST_PASSWORD);
    await field(page, 'Code').waitFor();
    await expectAccessible();
    await field(page, 'Code').fill(totpOf(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${base}/account`);
    await page.getByText(EMAIL).first().waitFor();
  });

  it('adds a passkey, and signs in with it alone', async () => {
    const passkeys = region('Passkeys');
    await field(passkeys, 'Current password').fill(FIRST_PASSWORD);
    await field(passkeys, 'Code').fill(recoveryCode());
    await passkeys.getByRole('button', { name: 'Add a passkey' }).click();
    expect(await announced(page, 'status')).toMatch(/^The passkey .+ is added\.$/);
    await passkeys.getByRole('button', { name: /^Remove passkey / }).waitFor();
    await expectAccessible();

    await signOut();
    await expectAccessible();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${base}/account`);
    await page.getByText(EMAIL).first().waitFor();
  });

  it('links a provider through its pages, and unlinks it', async () => {
    await provider.setAccounts({ 'journey-person': { email: 'journey.elsewhere@example.com', email_verified: true } });
    await provider.nextSignIn({ sub: 'journey-person' });
    const providers = region('Sign-in providers');
    // Signed in with the passkey a moment ago: that stands for the current password.
    await providers.getByRole('button', { name: 'Link Test provider' }).click();

    await page.waitForURL(`${base}/account`);
    expect(await announced(page, 'status')).toBe('Test provider is linked: you can sign in with it.');
    await providers.getByRole('button', { name: 'Unlink Test provider' }).waitFor();
    await expectAccessible();
    expect(await t.db.query('SELECT provider FROM identities WHERE user_id = ?', [(await userRow()).id])).toEqual([{ provider: 'test' }]);

    await providers.getByRole('button', { name: 'Unlink Test provider' }).click();
    expect(await announced(page, 'status')).toBe('Test provider is unlinked.');
    await providers.getByRole('button', { name: 'Link Test provider' }).waitFor();
    expect(await t.db.query('SELECT id FROM identities WHERE user_id = ?', [(await userRow()).id])).toEqual([]);
  });

  it('creates a personal token shown once, named with markup shown as text, and the token works', async () => {
    const tokens = region('Sessions and personal tokens');
    await field(tokens, 'Token name').fill(MARKUP);
    await tokens.getByRole('checkbox', { name: 'account' }).check();
    await tokens.getByRole('button', { name: 'Create token' }).click();

    expect(await announced(page, 'status')).toBe(`The token ${MARKUP} is created.`);
    const token = (await tokens.getByRole('code').textContent()) ?? '';
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await tokens.getByRole('button', { name: `Revoke token ${MARKUP}` }).waitFor();
    await expectAccessible();
    await expectForgotten([token]);
    await tokens.getByText(`Personal token ${MARKUP}`).waitFor();
  });

  it('ends another session, and lists the security events, a User-Agent with markup as text', async () => {
    // Another device signs in: a password and a recovery code, with a User-Agent of markup.
    const challenge = await t.http
      .post('/auth/token')
      .set('User-Agent', MARKUP)
      .type('form')
      .send({ username: EMAIL, password: FIRST_PASSWORD });
    const other = await t.http
      .post('/auth/mfa/verify')
      .set('User-Agent', MARKUP)
      .send({ mfaToken: (challenge.body as { mfaToken: string }).mfaToken, code: recoveryCode() })
      .expect(200);
    const otherToken = (other.body as { access_token: string }).access_token;
    await page.reload();

    const tokens = region('Sessions and personal tokens');
    await tokens.getByRole('button', { name: /^End session started / }).click();
    expect(await announced(page, 'status')).toBe('The session is ended.');
    await t.http.get('/users/me').set(bearer(otherToken)).expect(401);

    const events = region('Security events');
    await events.getByRole('cell', { name: 'mfa.enabled' }).waitFor();
    await events.getByRole('cell', { name: 'passkey.added' }).waitFor();
    await events.getByRole('cell', { name: 'identity.linked' }).waitFor();
    await events.getByRole('cell', { name: MARKUP }).first().waitFor();
    await expectAccessible();
  });

  it('resets the password from the mailed link', async () => {
    await signOut();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(`${base}/reset-password`);
    await screenshot('reset-password');
    await expectAccessible();
    await field(page, 'Email').fill(EMAIL);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    expect(await announced(page, 'status')).toMatch(/^If an account has this address/);

    await page.goto(await mailedLink(t, EMAIL, 'Reset your password'));
    await field(page, 'New password').fill(SECOND_PASSWORD);
    await expectAccessible();
    await page.getByRole('button', { name: 'Set password' }).click();
    expect(await announced(page, 'status')).toMatch(/^Your password is set/);

    await signInWithPassword(SECOND_PASSWORD);
    await field(page, 'Code').fill(recoveryCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${base}/account`);
  });

  it('changes the password, and the email through the mailed link', async () => {
    const password = region('Change password');
    await field(password, 'New password').fill(THIRD_PASSWORD);
    await field(password, 'Current password').fill(SECOND_PASSWORD);
    await password.getByRole('button', { name: 'Change password' }).click();
    expect(await announced(page, 'status')).toBe('Your password is changed.');
    await expectAccessible();

    const email = region('Change email');
    await field(email, 'Email').fill(NEW_EMAIL);
    await field(email, 'Current password').fill(THIRD_PASSWORD);
    await email.getByRole('button', { name: 'Change email' }).click();
    expect(await announced(page, 'status')).toBe(
      `A link to confirm ${NEW_EMAIL} is on its way to it. Your email stays ${EMAIL} until it is used.`,
    );

    await page.getByText(`Waiting for the link mailed to ${NEW_EMAIL}.`).waitFor();
    await expectAccessible();

    await page.goto(await mailedLink(t, NEW_EMAIL, 'Confirm your new email address'));
    await screenshot('confirm-email');
    await expectAccessible();
    await page.getByRole('button', { name: 'Confirm email change' }).click();
    expect(await announced(page, 'status')).toBe(`Your account's email is now ${NEW_EMAIL}.`);
    await expectAccessible();
    await page.goto(`${base}/account`);
    await page.getByText(NEW_EMAIL).first().waitFor();
  });

  it('deletes the account', async () => {
    const userId = (await t.db.query<Array<{ id: number }>>('SELECT id FROM users WHERE email = ?', [NEW_EMAIL]))[0].id;
    const deletion = region('Delete account');
    await field(deletion, 'Current password').fill(THIRD_PASSWORD);
    await field(deletion, 'Code').fill(recoveryCode());
    await deletion.getByRole('button', { name: 'Delete account' }).click();

    expect(await announced(page, 'status')).toBe('Your account is deleted, with everything of it.');
    expect(await t.db.query('SELECT id FROM users WHERE id = ?', [userId])).toEqual([]);
    await expectAccessible();
  });

  it('ran no script of the markup, and asked nothing of another origin', () => {
    expect(dialogs).toEqual([]);
    expect(otherOrigins).toEqual([]);
  });
});
