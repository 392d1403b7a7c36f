import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium } from 'playwright-core';
import { freePort } from '../../bench/support/processes';
import { createTestApp, TestApp, TestAppOptions } from './test-app';

const INSTALL_SCRIPT = join(__dirname, '..', '..', 'scripts', 'install-chromium.sh');
// Root in a container, no GPU, and no traffic of Chromium's own to the network.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installing Chromium on a fresh machine takes a while: the beforeAll that launches it needs this long. */
export const CHROMIUM_LAUNCH_TIMEOUT_MS = 300_000;

/**
 * Like local-db.sh for MariaDB, the script installs the browser when it is missing, so that
 * a fresh CI machine needs no manual step. Returns the path of the executable.
 */
function installChromium(): string {
  // stderr is captured, not inherited, so that the script's reason for failing ends up in the test's error.
  const stdout = execFileSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 280_000 });
  return stdout.trim().split('\n').pop() ?? '';
}

export interface HeadlessChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile of its own. */
export async function launchChromium(): Promise<HeadlessChromium> {
  const executablePath = installChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'browser-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath, args: CHROMIUM_ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A test application listening on a free port of 127.0.0.1, as a browser
 * reaches it (`http://localhost:<port>`): its options are made knowing that
 * base URL (PUBLIC_URL, APP_URL, a provider's redirect URI).
 */
export async function servedTestApp(
  options: (base: string) => TestAppOptions | Promise<TestAppOptions>,
): Promise<{ t: TestApp; base: string }> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const t = await createTestApp(await options(base));
  await t.app.listen(port, '127.0.0.1');
  return { t, base };
}
