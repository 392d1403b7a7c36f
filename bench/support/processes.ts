/**
 * The processes a bench run starts, and the guarantee that none outlives it:
 * every child is tracked, and `stopAll` ends those still running.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(__dirname, '..', '..');
const STARTUP_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;

/** Aborted on SIGINT/SIGTERM, so that waits end and cleanup runs. */
export const interruption = new AbortController();

const children = new Set<ChildProcess>();

export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(escalation);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stopProcess));
}

/** The last resort on process exit, when nothing can be awaited any more. */
export function killAllNow(): void {
  for (const child of children) child.kill('SIGKILL');
}

/**
 * Below Linux's ephemeral range (32768-60999), which the kernel hands to
 * outgoing connections: a port found free there may be taken by a database
 * connection before its server listens (EADDRINUSE in a busy test run).
 */
const FREE_PORTS = { from: 20_000, to: 32_000 };

/** A loopback port nothing listens on now, for a server that starts a little later. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = FREE_PORTS.from + Math.floor(Math.random() * (FREE_PORTS.to - FREE_PORTS.from));
    const server = createServer();
    server.listen(port, '127.0.0.1');
    const outcome = await Promise.race([once(server, 'listening').then(() => 'free'), once(server, 'error').then(() => 'taken')]);
    if (outcome === 'taken') continue;
    server.close();
    await once(server, 'close');
    return port;
  }
}

export interface Server {
  name: string;
  baseUrl: string;
  process: ChildProcess;
}

export interface ServiceOptions {
  name: string;
  databaseUrl: string;
  bcryptCost: number;
  /** Unset: the default (TOKEN_CACHE_TTL_MS of .env.example). */
  tokenCacheTtlMs?: number;
  /** Where its standard output goes, through a pipe, as a container runtime or a process manager takes it. */
  logFile: string;
  /** Extra settings (LOG_LEVEL for the variant without request lines). */
  env?: Record<string, string>;
  /** Where bench/support/threadpool-probe.js, preloaded, writes its timings. */
  threadPoolProbeFile?: string;
}

/**
 * Standard output into a pipe that this process copies to `file`, as a
 * container runtime does with a service's logs; standard error to ours.
 */
function spawnLoggingTo(file: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 2], env });
  child.stdout!.pipe(createWriteStream(file));
  return child;
}

/**
 * The production build with the production defaults (NODE_ENV=production,
 * the default LOG_LEVEL: a line per request), configured only so that
 * throttling and the token cap never decide a measurement.
 */
export async function startService(options: ServiceOptions): Promise<Server> {
  const port = await freePort();
  const preload = options.threadPoolProbeFile ? ['-r', join(__dirname, 'threadpool-probe.js')] : [];
  // The heap bound of `npm run start:prod`: V8 sizes an unbounded heap to the machine, not to the service.
  const child = spawnLoggingTo(options.logFile, ['--max-old-space-size=128', ...preload, 'dist/main.js'], {
    ...process.env,
    NODE_ENV: 'production',
    CSRF_SECRET: randomBytes(32).toString('hex'),
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    DATABASE_MIGRATE_ON_START: 'true',
    BCRYPT_COST: String(options.bcryptCost),
    LOGIN_MAX_FAILURES_PER_CLIENT: '1000000',
    REGISTRATIONS_PER_CLIENT: '1000000',
    MAX_TOKENS_PER_USER: '10000',
    ...(options.tokenCacheTtlMs === undefined ? {} : { TOKEN_CACHE_TTL_MS: String(options.tokenCacheTtlMs) }),
    ...(options.threadPoolProbeFile ? { THREADPOOL_PROBE_FILE: options.threadPoolProbeFile } : {}),
    ...options.env,
  });
  return started(options.name, port, track(child));
}

/** bench/baseline/main.ts, transpiled on load: its code is small and only its run time is measured. */
export async function startBaseline(jwtSecretHex: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bench/baseline/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), BASELINE_JWT_SECRET: jwtSecretHex },
  });
  return started('baseline', port, track(child));
}

/** bench/recipe/main.ts, in production mode, its request lines piped to `logFile` like the service's. */
export async function startRecipe(jwtSecret: string, logFile: string): Promise<Server> {
  const port = await freePort();
  const child = spawnLoggingTo(logFile, ['-r', 'ts-node/register/transpile-only', 'bench/recipe/main.ts'], {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    RECIPE_JWT_SECRET: jwtSecret,
  });
  return started('NestJS docs recipe', port, track(child));
}

async function started(name: string, port: number, child: ChildProcess): Promise<Server> {
  const server = { name, baseUrl: `http://127.0.0.1:${port}`, process: child };
  try {
    await waitUntilHealthy(server);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  log(`${name} listening on port ${port} (pid ${child.pid})`);
  return server;
}

async function waitUntilHealthy({ name, baseUrl, process: child }: Server): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    interruption.signal.throwIfAborted();
    if (hasExited(child)) {
      throw new Error(`${name} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was healthy`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`, {
        signal: AbortSignal.any([interruption.signal, AbortSignal.timeout(2_000)]),
      });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet; an interruption is rethrown at the top of the loop.
    }
    if (Date.now() > deadline) throw new Error(`${name}: GET /health did not answer 200 within ${STARTUP_TIMEOUT_MS / 1000} s`);
    await sleep(250, undefined, { signal: interruption.signal });
  }
}
