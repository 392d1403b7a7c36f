import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../bench/support/processes';
import type { LogLine } from './log-capture';
import { TEST_MFA_ENCRYPTION_KEY } from './test-keys';

const ROOT = join(__dirname, '..', '..');
const START_TIMEOUT_MS = 40_000;

/** One CSRF key for every instance a test starts: instances behind one load balancer share it. */
export const SHARED_CSRF_SECRET = randomBytes(32).toString('hex');

export interface ServiceProcess {
  baseUrl: string;
  process: ChildProcess;
  /** Every JSON line the service wrote to stdout so far. */
  logs: LogLine[];
  /** Everything else it wrote, for the failure message. */
  otherOutput: string[];
  exited: Promise<number | null>;
  /** Resolves with the first log line that matches. */
  waitForLog(matches: (line: LogLine) => boolean): Promise<LogLine>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Resolves once GET /health answers at all (200, or 503 while the database is away); never once the process has exited. */
async function answersHealth(baseUrl: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone) {
    try {
      await fetch(`${baseUrl}/health`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await new Promise(() => undefined);
}

export interface ServiceProcessOptions {
  /** Run `dist/main.js` (built beforehand) instead of the sources. */
  built?: boolean;
  /** A port of its own by default; a restarted instance may reuse its predecessor's. */
  port?: number;
}

/**
 * The service in a process of its own, as `npm start` runs it, by default
 * from the TypeScript sources (transpiled on load), in production mode with
 * JSON logs, on the worker's test database (DATABASE_URL).
 */
export async function startServiceProcess(env: Record<string, string> = {}, options: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const entry = options.built ? ['dist/main.js'] : ['-r', 'ts-node/register', 'src/main.ts'];
  const child = spawn(process.execPath, ['--max-old-space-size=128', ...entry], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TS_NODE_TRANSPILE_ONLY: 'true',
      NODE_ENV: 'production',
      PORT: String(port),
      CSRF_SECRET: SHARED_CSRF_SECRET,
      MFA_ENCRYPTION_KEY: TEST_MFA_ENCRYPTION_KEY,
      DATABASE_MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'log',
      ...env,
    },
  });
  const logs: LogLine[] = [];
  const otherOutput: string[] = [];
  const waiters: Array<{ matches: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    if (!text.startsWith('{')) return void otherOutput.push(text);
    const line = JSON.parse(text) as LogLine;
    logs.push(line);
    for (const waiter of waiters.filter((candidate) => candidate.matches(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  createInterface({ input: child.stderr }).on('line', (text) => otherOutput.push(text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLog = (matches: (line: LogLine) => boolean) =>
    new Promise<LogLine>((resolve) => {
      const found = logs.find(matches);
      if (found) resolve(found);
      else waiters.push({ matches, resolve });
    });
  const service: ServiceProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    logs,
    otherOutput,
    exited,
    waitForLog,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };

  const outcome = await Promise.race([
    answersHealth(service.baseUrl, exited).then(() => 'listening' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), START_TIMEOUT_MS).unref()),
  ]);
  if (outcome !== 'listening') {
    child.kill('SIGKILL');
    throw new Error(`the service did not start (${outcome}):\n${otherOutput.join('\n')}`);
  }
  return service;
}
