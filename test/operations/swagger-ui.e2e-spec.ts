import type { AddressInfo } from 'node:net';
import { Locator, Page } from 'playwright-core';
import { NotesModule } from '../fixtures/notes/notes.module';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium } from '../support/chromium';
import { createTestApp, PASSWORD, resetDatabase, TestApp } from '../support/test-app';

const EMAIL = 'swagger@example.com';
// Each test drives a page through several steps, each waiting for the UI to render.
const UI_TEST_TIMEOUT_MS = 30_000;

/**
 * Swagger UI in headless Chromium, as a developer uses it: Authorize with the
 * OAuth2 password flow (an email and password), then "Try it out" on
 * GET /users/me. Nothing is faked: the UI posts the form to /auth/token and
 * sends the bearer token it got back.
 */
describe('Swagger UI in a real browser', () => {
  let t: TestApp;
  let browser: HeadlessChromium;
  let page: Page;
  let docsUrl: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ imports: [NotesModule], realClock: true });
    await t.app.listen(0, '127.0.0.1');
    docsUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/docs`;
    browser = await launchChromium();
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: EMAIL, password: PASSWORD }).expect(201);
    page = await browser.context.newPage();
    page.setDefaultTimeout(8000);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });

  afterEach(() => page.close());

  /** Opens Authorize and fills the OAuth2 password form; the form, ready to submit. */
  async function fillAuthorize(password: string) {
    await page.goto(docsUrl);
    await page.locator('button.authorize').first().click();
    const oauth2 = page.locator('.auth-container').filter({ hasText: 'OAuth2, password' });
    await oauth2.locator('#oauth_username').fill(EMAIL);
    await oauth2.locator('#oauth_password').fill(password);
    return oauth2;
  }

  /** Submits the form: the answer of POST /auth/token, as the page received it. */
  async function submitAuthorize(oauth2: Locator) {
    const tokenAnswer = page.waitForResponse((response) => response.url().endsWith('/auth/token'));
    await oauth2.locator('button.authorize').click();
    return tokenAnswer;
  }

  /** "Try it out" and "Execute" on an operation: the operation's panel and the answer to the request. */
  async function tryItOut(operationId: string, method: string, pathEnd: string) {
    const operation = page.locator(`#operations-${operationId}`);
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    const answer = page.waitForResponse((response) => response.url().endsWith(pathEnd) && response.request().method() === method);
    await operation.locator('button.execute').click();
    return { operation, answer: await answer };
  }

  it(
    'logs in with Authorize (OAuth2 password flow) and shows the user from GET /users/me',
    async () => {
      const oauth2 = await fillAuthorize(PASSWORD);
      expect((await submitAuthorize(oauth2)).status()).toBe(200);
      await oauth2.getByText('Authorized', { exact: true }).waitFor();
      await page.locator('.modal-ux button.close-modal').click();

      const { operation, answer } = await tryItOut('Users-AccountController_me', 'GET', '/users/me');
      expect(answer.status()).toBe(200);

      const shown = operation.locator('.live-responses-table .response .response-col_description');
      await shown.getByText(EMAIL).first().waitFor();
      expect(await operation.locator('.live-responses-table tbody .response-col_status').first().innerText()).toBe('200');
      expect(consoleErrors.filter((error) => /Content Security Policy|Refused/.test(error))).toEqual([]);
    },
    UI_TEST_TIMEOUT_MS,
  );

  it(
    'offers the application’s scopes in Authorize: with only notes:read, "Try it out" on POST /notes shows 403 INSUFFICIENT_SCOPE',
    async () => {
      const oauth2 = await fillAuthorize(PASSWORD);
      for (const scope of ['account', 'admin', 'notes:read', 'notes:write']) await oauth2.getByText(scope, { exact: true }).waitFor();
      await oauth2.locator('label', { hasText: /^notes:read/ }).click();
      const answered = await submitAuthorize(oauth2);
      expect(answered.status()).toBe(200);
      expect(((await answered.json()) as { scope?: string }).scope).toBe('notes:read');
      await oauth2.getByText('Authorized', { exact: true }).waitFor();
      await page.locator('.modal-ux button.close-modal').click();

      const { operation, answer } = await tryItOut('Notes-NotesController_create', 'POST', '/notes');
      expect(answer.status()).toBe(403);

      const shown = operation.locator('.live-responses-table .response .response-col_description');
      await shown.getByText('INSUFFICIENT_SCOPE').first().waitFor();
      expect(await operation.locator('.live-responses-table tbody .response-col_status').first().innerText()).toBe('403');
    },
    UI_TEST_TIMEOUT_MS,
  );

  it(
    'shows the 401 error body when the password is wrong',
    async () => {
      const oauth2 = await fillAuthorize('not the password at all');
      expect((await submitAuthorize(oauth2)).status()).toBe(401);
      await page.locator('.modal-ux').getByText('Error: Unauthorized').waitFor();
      expect(await oauth2.getByText('Authorized', { exact: true }).count()).toBe(0);
    },
    UI_TEST_TIMEOUT_MS,
  );
});
