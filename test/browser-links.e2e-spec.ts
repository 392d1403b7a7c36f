import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, HeadlessChromium, launchChromium } from './support/chromium';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, login, PASSWORD, resetDatabase, TestApp } from './support/test-app';
import { listen, docSnippet } from './support/web-pages';

const NEW_PASSWORD = 'a passphrase typed in chromium';

/** The reset page's script as docs/lifecycle.md gives it to front ends. */
const readmeResetScript = () => docSnippet('lifecycle.md', '// APP_URL/reset-password');

/**
 * The web app of APP_URL: its /reset-password page runs docs/lifecycle.md’s script
 * in a module (top-level await) and then shows the answer's status. Every
 * URL the app is asked for is kept, as its access log would.
 */
function webApp(api: () => string, requested: string[]): Server {
  return createServer((request, response) => {
    requested.push(request.url ?? '');
    const page = `<!doctype html><title>Reset your password</title>
<form name="reset"><input name="password" type="password" value="${NEW_PASSWORD}"></form>
<script type="module">
const API = ${JSON.stringify(api())};
${readmeResetScript()}
document.title = 'answered ' + response.status;
</script>`;
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
  });
}

describe('A mailed link opened in a real browser (headless Chromium)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: HeadlessChromium;
  let api = '';
  const requested: string[] = [];
  const app = webApp(() => api, requested);

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const appUrl = `http://localhost:${await listen(app)}`;
    t = await createTestApp({ mailSink: sink, mail: { appUrl }, http: { corsOrigins: new Set([appUrl]) }, realClock: true });
    await resetDatabase(t.db);
    await t.app.listen(0, '127.0.0.1');
    api = `http://localhost:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, CHROMIUM_LAUNCH_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
    await t?.close();
    await sink?.stop();
  });

  it('resets the password with docs/lifecycle.md’s script; the token reaches neither the web app’s server nor the address bar', async () => {
    await t.http.post('/auth/register').send({ email: 'browser@example.com', password: PASSWORD }).expect(201);
    await sink.waitFor('browser@example.com');
    await t.http.post('/auth/password-reset').send({ email: 'browser@example.com' }).expect(202);
    const mail = await sink.waitFor('browser@example.com', 2);
    const link = /http:\/\/localhost:\d+\/reset-password#token=lnk_[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
    expect(link).toBeDefined();

    const page = await browser.context.newPage();
    try {
      await page.goto(link!);
      await page.waitForFunction("document.title.startsWith('answered')");

      expect(await page.title()).toBe('answered 204');
      expect(page.url()).toBe(link!.slice(0, link!.indexOf('#')));
    } finally {
      await page.close();
    }
    expect(requested).toContain('/reset-password');
    expect(requested.join()).not.toContain('lnk_');
    await login(t.http, 'browser@example.com', NEW_PASSWORD);
    await t.http.post('/auth/token').send({ email: 'browser@example.com', password: PASSWORD }).expect(401);
  });
});
