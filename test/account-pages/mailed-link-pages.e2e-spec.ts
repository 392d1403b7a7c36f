import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium, servedTestApp } from '../support/chromium';
import { mailedLink as linkMailedTo } from '../support/mailed-links';
import { announced, axeViolations } from '../support/page-checks';
import { bearer, login, PASSWORD, TestApp, useTestApp } from '../support/test-app';

/**
 * docs/api.md "Account pages", the pages the mailed links open (/verify-email,
 * /confirm-email, /reset-password), in Chromium: each acts only on its button
 * (security item 70), shows what it did as text, passes axe-core's WCAG 2.1
 * A/AA rules in every state, is served with its CSP (item 71), and asks
 * nothing of another origin.
 */
describe('The pages of the mailed links', () => {
  let browser: HeadlessChromium;
  let t: TestApp;
  let base: string;
  const otherOrigins: string[] = [];

  beforeAll(async () => {
    ({ t, base } = await servedTestApp((url) => ({ mail: { appUrl: url }, session: { secureCookies: true }, realClock: true })));
    browser = await launchChromium();
    browser.context.on('request', (request) => {
      if (new URL(request.url()).origin !== base) otherOrigins.push(request.url());
    });
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const mailedLink = (address: string, subject: string) => linkMailedTo(t, address, subject);
  const verifiedAt = async (email: string) =>
    (await t.db.query<Array<{ at: Date | null }>>('SELECT email_verified_at AS at FROM users WHERE email = ?', [email]))[0].at;
  const openPage = async (url: string) => {
    const page = await browser.context.newPage();
    const response = await page.goto(url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    return page;
  };

  it('confirms an address only when its button is pressed, then says so', async () => {
    await t.http.post('/auth/register').send({ email: 'pages.verify@example.com', password: PASSWORD }).expect(201);
    const link = await mailedLink('pages.verify@example.com', 'Confirm your email address');
    expect(link.startsWith(`${base}/verify-email#token=`)).toBe(true);

    const page = await openPage(link);
    await page.getByRole('button', { name: 'Confirm my email address' }).waitFor();
    // Opened, scripts run, as a mail scanner would: nothing is consumed.
    expect(await verifiedAt('pages.verify@example.com')).toBeNull();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Confirm my email address' }).click();

    expect(await announced(page, 'status')).toBe('Your email address is confirmed. You can sign in now.');
    expect(await verifiedAt('pages.verify@example.com')).not.toBeNull();
    expect(new URL(page.url()).hash).toBe('');
    expect(await axeViolations(page)).toEqual([]);
    // The link worked once: opened again, its button reports the error as an alert.
    const again = await openPage(link);
    await again.getByRole('button', { name: 'Confirm my email address' }).click();
    expect(await announced(again, 'alert')).toBe('This link is invalid, expired or already used');
    expect(await axeViolations(again)).toEqual([]);
    await Promise.all([page.close(), again.close()]);
  });

  it('asks for a reset link, and sets the new password from the mailed one', async () => {
    await t.http.post('/auth/register').send({ email: 'pages.reset@example.com', password: PASSWORD }).expect(201);
    const page = await openPage(`${base}/reset-password`);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Email').fill('pages.reset@example.com');
    await page.getByRole('button', { name: 'Send reset link' }).click();

    expect(await announced(page, 'status')).toMatch(/^If an account has this address/);
    const link = await mailedLink('pages.reset@example.com', 'Reset your password');
    const reset = await openPage(link);
    await expect(reset.getByRole('button', { name: 'Send reset link' }).isHidden()).resolves.toBe(true);
    expect(await axeViolations(reset)).toEqual([]);
    await reset.getByLabel('New password').fill('a new password from the page');
    await reset.getByRole('button', { name: 'Set password' }).click();

    expect(await announced(reset, 'status')).toMatch(/^Your password is set/);
    await t.http
      .post('/auth/token')
      .type('form')
      .send({ username: 'pages.reset@example.com', password: 'a new password from the page' })
      .expect(200);
    expect(await axeViolations(reset)).toEqual([]);
    await Promise.all([page.close(), reset.close()]);
  });

  it('shows a refused new password as an alert, and keeps the form', async () => {
    await t.http.post('/auth/register').send({ email: 'pages.weak@example.com', password: PASSWORD }).expect(201);
    await t.http.post('/auth/password-reset').send({ email: 'pages.weak@example.com' }).expect(202);
    const reset = await openPage(await mailedLink('pages.weak@example.com', 'Reset your password'));

    await reset.getByLabel('New password').fill('password');
    await reset.getByRole('button', { name: 'Set password' }).click();

    expect(await announced(reset, 'alert')).toMatch(/common passwords/);
    await expect(reset.getByLabel('New password').isVisible()).resolves.toBe(true);
    expect(await axeViolations(reset)).toEqual([]);
    await reset.close();
  });

  it('confirms an email change only when its button is pressed', async () => {
    await t.http.post('/auth/register').send({ email: 'pages.old@example.com', password: PASSWORD }).expect(201);
    const token = await login(t.http, 'pages.old@example.com');
    await t.http.patch('/users/me').set(bearer(token)).send({ email: 'pages.new@example.com', currentPassword: PASSWORD }).expect(200);
    const page = await openPage(await mailedLink('pages.new@example.com', 'Confirm your new email address'));
    expect(await axeViolations(page)).toEqual([]);
    const emailNow = async () => ((await t.http.get('/users/me').set(bearer(token)).expect(200)).body as { email: string }).email;
    expect(await emailNow()).toBe('pages.old@example.com');

    await page.getByRole('button', { name: 'Confirm email change' }).click();

    expect(await announced(page, 'status')).toBe("Your account's email is now pages.new@example.com.");
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('asked nothing of another origin on the way', () => {
    expect(otherOrigins).toEqual([]);
  });
});

const PAGE_PATHS = ['/', '/register', '/account', '/verify-email', '/confirm-email', '/reset-password'];
const ASSET_PATHS = [
  '/pages/api.js',
  '/pages/pages.css',
  '/pages/sign-in.js',
  '/pages/simplewebauthn/index.js',
  '/pages/simplewebauthn/methods/startAuthentication.js',
];

describe('ACCOUNT_PAGES=false', () => {
  const off = useTestApp({ http: { accountPages: false } });
  const on = useTestApp();

  it.each([...PAGE_PATHS, ...ASSET_PATHS])('answers %s 404, as any unknown path', async (path) => {
    expect((await off.http.get(path).expect(404)).body.code).toBe('NOT_FOUND');
  });

  it('leaves the API as it is: the same OpenAPI document, the same answers', async () => {
    expect((await off.http.get('/docs-json').expect(200)).body).toEqual((await on.http.get('/docs-json').expect(200)).body);
    await off.http.post('/auth/register').send({ email: 'pages.off@example.com', password: PASSWORD }).expect(201);
    await off.http
      .get('/users/me')
      .set(bearer(await login(off.http, 'pages.off@example.com')))
      .expect(200);
  });
});

describe('ACCOUNT_PAGES on (the default)', () => {
  const t = useTestApp();

  it.each(PAGE_PATHS)('serves %s as HTML under the pages’ CSP', async (path) => {
    const page = await t.http.get(path).expect(200).expect('Content-Type', 'text/html; charset=utf-8');
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    // No inline script or style, and nothing from another origin.
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc="\/pages\/)|<style|\sstyle=|\son\w+=|https?:\/\//);
  });

  it.each(ASSET_PATHS)('serves %s under the pages’ CSP', async (path) => {
    const asset = await t.http
      .get(path)
      .expect(200)
      .expect('Content-Type', /^text\/(javascript|css)/);
    expect(asset.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('serves no page file under /pages, and nothing outside its files', async () => {
    for (const path of [
      '/pages/verify-email.html',
      '/pages/..%2Fapp.module.js',
      '/pages/simplewebauthn/../../package.json',
      '/pages/simplewebauthn/..%2F..%2Fpackage.json',
      '/pages/simplewebauthn/index.d.ts',
      '/pages/simplewebauthn/',
    ]) {
      await t.http.get(path).expect(404);
    }
  });
});
