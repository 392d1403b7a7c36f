/**
 * Issue 17's cost at scale: what the service costs when its tables are large.
 *
 *   npm run bench:scale                 1 million users, 5 million tokens (about 10 minutes on two cores)
 *   SCALE_SMOKE=1 npm run bench:scale   proves it runs, in a couple of minutes; its figures mean little
 *
 * Two databases on the DATABASE_URL server: a small one (1,000 users and
 * tokens) and a large one (1 M users; 3 M live tokens and 2 M expired ones),
 * seeded with bulk inserts. Each has an instance of the production build with
 * the token cache off, so that every guarded read reaches the database; a
 * third instance on the large one has the defaults (cache on) for the logins
 * and the administration's search. Rounds of things compared are interleaved.
 *
 * Measures: the uncached guarded read at 5 M tokens over the same at 1,000;
 * logins and registrations at 1 M users over raw bcrypt; pruning the 2 M
 * expired tokens (its duration, and the p99 of guarded reads at a fixed rate
 * while it runs over their p99 before); `GET /admin/users?search=` at 1 M
 * users (p50, p99); and the throttle counters left after 100,000 distinct
 * clients' windows closed and the pruning ran. Prints a table, writes
 * bench/scale-results.json and ends stdout with one JSON line.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import bcrypt from 'bcrypt';
import mysql from 'mysql2/promise';
import { digestAccessToken, generateAccessToken } from '../src/auth/tokens/access-token.codec';
import type { BcryptCommand, BcryptResult } from './support/bcrypt-worker';
import { createBenchDatabase, seededEmail } from './support/database';
import { LoadCommand, LoadResult, OpenLoopResult, RequestPlan } from './support/load-protocol';
import { interruption, killAllNow, log, ROOT, Server, startService, stopAll, stopProcess } from './support/processes';
import { median, quantile, roundTo } from './support/stats';
import { forkWorker } from './support/worker-rpc';
import { closedLoop, LoadWorker, openLoop } from './support/load-calls';

const BCRYPT_COST = 12;
const PASSWORD = 'scale bench passphrase';
const INSERT_BATCH = 5000;
const READ_CONNECTIONS = 50;
const PASSWORD_CONNECTIONS = 2 * availableParallelism();
const DAY_MS = 86_400_000;
/** The counters' window while the throttle is measured: it must close within the run. */
const THROTTLE_WINDOW_SECONDS = 60;

interface Settings {
  mode: 'full' | 'smoke';
  users: number;
  liveTokens: number;
  expiredTokens: number;
  smallTokens: number;
  /** Tokens whose text the reads use: spread over the whole table. */
  sampledTokens: number;
  rounds: number;
  readSeconds: number;
  passwordSeconds: number;
  pruneReadsPerSecond: number;
  searchSeconds: number;
  clients: number;
}

const FULL: Settings = {
  mode: 'full',
  users: 1_000_000,
  liveTokens: 3_000_000,
  expiredTokens: 2_000_000,
  smallTokens: 1000,
  sampledTokens: 2000,
  rounds: 3,
  readSeconds: 8,
  passwordSeconds: 6,
  pruneReadsPerSecond: 200,
  searchSeconds: 10,
  clients: 100_000,
};

const SMOKE: Settings = {
  mode: 'smoke',
  users: 20_000,
  liveTokens: 30_000,
  expiredTokens: 20_000,
  smallTokens: 1000,
  sampledTokens: 500,
  rounds: 1,
  readSeconds: 1.5,
  passwordSeconds: 1.5,
  pruneReadsPerSecond: 100,
  searchSeconds: 1.5,
  clients: 2_000,
};

/** Rows written in statements of INSERT_BATCH, unique and foreign key checks off for the session (a bulk load). */
async function bulkInsert(
  connection: mysql.Connection,
  statement: string,
  count: number,
  row: (index: number) => unknown[],
): Promise<void> {
  await connection.query('SET unique_checks = 0, foreign_key_checks = 0');
  for (let start = 0; start < count; start += INSERT_BATCH) {
    interruption.signal.throwIfAborted();
    const rows = Array.from({ length: Math.min(INSERT_BATCH, count - start) }, (_, i) => row(start + i));
    await connection.query(statement, [rows]);
  }
  await connection.query('SET unique_checks = 1, foreign_key_checks = 1');
}

interface Seeded {
  /** Tokens whose text is known, one per user from the first users on. */
  tokens: string[];
  users: number;
}

/**
 * `users` users (one bcrypt hash for all), `sampled` tokens with a known
 * text spread evenly through `live` live ones (the rest random digests), and
 * `expired` expired ones; ids in insertion order, owners round robin.
 */
async function seedDatabase(url: string, counts: { users: number; live: number; expired: number; sampled: number }): Promise<Seeded> {
  const connection = await mysql.createConnection({ uri: url, timezone: 'Z' });
  try {
    const now = new Date();
    const hash = await bcrypt.hash(PASSWORD, BCRYPT_COST);
    const startedAt = performance.now();
    await bulkInsert(
      connection,
      'INSERT INTO users (id, email, hashed_password, is_active, created_at, updated_at) VALUES ?',
      counts.users,
      (i) => [i + 1, seededEmail(i + 1), hash, 1, now, now],
    );
    const every = Math.max(1, Math.floor(counts.live / counts.sampled));
    const tokens: string[] = [];
    const live = new Date(now.getTime() + DAY_MS);
    const expired = new Date(now.getTime() - DAY_MS);
    await bulkInsert(
      connection,
      'INSERT INTO access_tokens (token_hash, user_id, scopes, created_at, expires_at, last_used_at) VALUES ?',
      counts.live + counts.expired,
      (i) => {
        const isLive = i < counts.live;
        let digest: Buffer;
        if (isLive && i % every === 0 && tokens.length < counts.sampled) {
          const token = generateAccessToken();
          tokens.push(token);
          digest = digestAccessToken(token);
        } else {
          digest = createHash('sha256').update(randomBytes(32)).digest();
        }
        return [digest, (i % counts.users) + 1, 'account', now, isLive ? live : expired, now];
      },
    );
    log(
      `  seeded ${counts.users} users and ${counts.live + counts.expired} tokens in ${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
    );
    return { tokens, users: counts.users };
  } finally {
    await connection.end();
  }
}

async function tableSizes(url: string): Promise<Record<string, { rows: number; dataMb: number; indexMb: number }>> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    await connection.query('ANALYZE TABLE users, access_tokens, throttle_counters');
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      'SELECT table_name AS name, table_rows AS n, data_length AS data, index_length AS idx FROM information_schema.tables WHERE table_schema = DATABASE()',
    );
    return Object.fromEntries(
      rows
        .filter((row) => ['users', 'access_tokens', 'throttle_counters'].includes(String(row.name)))
        .map((row) => [
          String(row.name),
          { rows: Number(row.n), dataMb: roundTo(Number(row.data) / 2 ** 20, 0), indexMb: roundTo(Number(row.idx) / 2 ** 20, 0) },
        ]),
    );
  } finally {
    await connection.end();
  }
}

async function countRows(url: string, sql: string): Promise<number> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(sql);
    return Number(rows[0].n);
  } finally {
    await connection.end();
  }
}

const reads = (tokens: string[]): RequestPlan => ({ kind: 'bearer', path: '/users/me', tokens });

async function login(server: Server, email: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
    signal: interruption.signal,
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`login of ${email}: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** `node dist/prune-tokens.js` on `url`, as `npm run tokens:prune` runs it; its duration in seconds. */
async function pruneTokens(url: string): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['dist/prune-tokens.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 2],
    env: {
      ...process.env,
      DATABASE_URL: url,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      CSRF_SECRET: randomBytes(32).toString('hex'),
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`prune-tokens exited with ${code}`);
  return (performance.now() - startedAt) / 1000;
}

/**
 * Waits for the counters' windows to close and for the once-a-minute pruning
 * to be due, sets it off with one counted request (from a client of its own),
 * and counts the rows once the pruning has settled.
 */
async function countersAfterPruning(server: Server, url: string): Promise<number> {
  await sleep((THROTTLE_WINDOW_SECONDS + 61) * 1000, undefined, { signal: interruption.signal });
  await fetch(`${server.baseUrl}/auth/password-reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.1' },
    body: JSON.stringify({ email: 'trigger@example.com' }),
    signal: interruption.signal,
  });
  let last = -1;
  for (;;) {
    await sleep(2000, undefined, { signal: interruption.signal });
    const rows = await countRows(url, 'SELECT COUNT(*) AS n FROM throttle_counters');
    if (rows === last) return rows;
    last = rows;
  }
}

function p99Of(result: OpenLoopResult): number {
  return result.byStatus['200']?.p99Ms ?? NaN;
}

async function main(): Promise<void> {
  const settings = process.env.SCALE_SMOKE === '1' ? SMOKE : FULL;
  const startedAt = performance.now();
  const configuredUrl = process.env.DATABASE_URL;
  if (!configuredUrl) throw new Error('DATABASE_URL is not set: run through npm run bench:scale');
  log(`${settings.mode} run`);
  const [small, large] = await Promise.all([
    createBenchDatabase(configuredUrl, 'scale_small'),
    createBenchDatabase(configuredUrl, 'scale_large'),
  ]);
  const logDir = mkdtempSync(join(tmpdir(), 'bench-scale-logs-'));
  const loads: [LoadWorker, LoadWorker] = [0, 1].map(() => forkWorker<LoadCommand, LoadResult>(`${__dirname}/support/load-worker.ts`)) as [
    LoadWorker,
    LoadWorker,
  ];
  const bcryptWorker = forkWorker<BcryptCommand, BcryptResult>(`${__dirname}/support/bcrypt-worker.ts`);
  try {
    const service = (name: string, databaseUrl: string, env: Record<string, string> = {}, tokenCacheTtlMs?: number) =>
      startService({
        name,
        databaseUrl,
        bcryptCost: BCRYPT_COST,
        tokenCacheTtlMs,
        logFile: join(logDir, `${name.replace(/\W+/g, '-')}.log`),
        env,
      });
    // The first instance on each database runs its migrations.
    const [smallUncached, largeUncached] = await Promise.all([
      service('small, cache off', small.url, {}, 0),
      service('large, cache off', large.url, {}, 0),
    ]);
    log('seeding');
    const [smallSeed, largeSeed] = await Promise.all([
      seedDatabase(small.url, { users: settings.smallTokens, live: settings.smallTokens, expired: 0, sampled: settings.smallTokens }),
      seedDatabase(large.url, {
        users: settings.users,
        live: settings.liveTokens,
        expired: settings.expiredTokens,
        sampled: settings.sampledTokens,
      }),
    ]);
    const sizesAfterSeed = await tableSizes(large.url);
    // The defaults, and a loopback proxy trusted so that the throttle sees each client's own address.
    const largeDefault = await service('large, defaults', large.url, {
      TRUST_PROXY: 'loopback',
      LOGIN_FAILURE_WINDOW: String(THROTTLE_WINDOW_SECONDS),
    });
    await Promise.all([...loads.map((load) => load.ready), bcryptWorker.ready]);

    // 1. The uncached guarded read, 5 M tokens against 1,000.
    const readAt = (server: Server, tokens: string[], seconds: number) =>
      closedLoop(loads[0], { baseUrl: server.baseUrl, plan: reads(tokens), connections: READ_CONNECTIONS, seconds }, server.name);
    const smallReadTokens = smallSeed.tokens.slice(0, Math.min(settings.sampledTokens, smallSeed.tokens.length));
    await readAt(smallUncached, smallReadTokens, 1);
    await readAt(largeUncached, largeSeed.tokens, 1);
    const readRates = { small: [] as number[], large: [] as number[] };
    for (let round = 0; round < settings.rounds; round++) {
      readRates.small.push((await readAt(smallUncached, smallReadTokens, settings.readSeconds)).perSecond);
      readRates.large.push((await readAt(largeUncached, largeSeed.tokens, settings.readSeconds)).perSecond);
      log(
        `  round ${round + 1}: uncached read at 1,000 tokens ${readRates.small[round].toFixed(0)}/s, at ${settings.liveTokens + settings.expiredTokens} ${readRates.large[round].toFixed(0)}/s`,
      );
    }
    await Promise.all([smallUncached, largeUncached].map((server) => stopProcess(server.process)));

    // 2. Logins and registrations at 1 M users against raw bcrypt.
    const passwordRound = async (plan: RequestPlan, label: string) => {
      const result = await closedLoop(
        loads[0],
        { baseUrl: largeDefault.baseUrl, plan, connections: PASSWORD_CONNECTIONS, seconds: settings.passwordSeconds },
        label,
      );
      await sleep((PASSWORD_CONNECTIONS / Math.max(result.perSecond, 1)) * 1000 + 500, undefined, { signal: interruption.signal });
      return result.perSecond;
    };
    const raw = async (operation: BcryptCommand['operation']) =>
      (
        await bcryptWorker.call({
          operation,
          password: PASSWORD,
          cost: BCRYPT_COST,
          concurrency: availableParallelism(),
          seconds: settings.passwordSeconds,
        })
      ).perSecond;
    const emails = Array.from({ length: 5000 }, (_, i) => seededEmail(Math.floor((i * settings.users) / 5000) + 1));
    const passwords = { login: [] as number[], compare: [] as number[], register: [] as number[], hash: [] as number[] };
    for (let round = 0; round < settings.rounds; round++) {
      passwords.login.push(await passwordRound({ kind: 'login', emails, password: PASSWORD }, 'login'));
      passwords.compare.push(await raw('compare'));
      passwords.register.push(
        await passwordRound({ kind: 'register', emailPrefix: `scale-new-${round}`, password: PASSWORD }, 'registration'),
      );
      passwords.hash.push(await raw('hash'));
      log(
        `  round ${round + 1}: login ${passwords.login[round].toFixed(1)}/s, compare ${passwords.compare[round].toFixed(1)}/s, register ${passwords.register[round].toFixed(1)}/s, hash ${passwords.hash[round].toFixed(1)}/s`,
      );
    }

    // 3. The administration's search at 1 M users.
    await mysql.createConnection({ uri: large.url }).then(async (connection) => {
      await connection.query("UPDATE users SET role = 'admin' WHERE id = 1");
      await connection.end();
    });
    const adminToken = await login(largeDefault, seededEmail(1));
    const searches = Array.from({ length: 100 }, (_, i) => `user-${(i * 7919) % settings.users}@`);
    const search = await openLoop(loads[0], {
      baseUrl: largeDefault.baseUrl,
      plan: { kind: 'admin-search', token: adminToken, searches },
      perSecond: 5,
      seconds: settings.searchSeconds,
    });

    // 4. Pruning 2 M expired tokens, with guarded reads at a fixed rate (cache off: each one reaches the database).
    const pruneReader = await service('large, cache off, beside the pruning', large.url, {}, 0);
    const readsBeside = (seconds: number) =>
      openLoop(loads[1], {
        baseUrl: pruneReader.baseUrl,
        plan: reads(largeSeed.tokens),
        perSecond: settings.pruneReadsPerSecond,
        seconds,
        keepLatencies: true,
      });
    const idleReads = await readsBeside(settings.readSeconds);
    let pruning = true;
    const pruned = pruneTokens(large.url).finally(() => {
      pruning = false;
    });
    const duringReads: OpenLoopResult[] = [];
    while (pruning) duringReads.push(await readsBeside(Math.min(2, settings.readSeconds)));
    const pruneSeconds = await pruned;
    const expiredLeft = await countRows(large.url, 'SELECT COUNT(*) AS n FROM access_tokens WHERE expires_at <= NOW()');
    // Every read sent while the pruning ran, pooled: its p99 against the p99 before.
    const pooled = duringReads.flatMap((result) => result.latenciesMs ?? []).sort((a, b) => a - b);
    const duringP99 = quantile(pooled, 0.99);

    // 5. The throttle's counters after 100,000 distinct clients, once their windows closed and the pruning ran.
    log(`throttle: password-reset requests from ${settings.clients} distinct clients`);
    await openLoop(loads[0], {
      baseUrl: largeDefault.baseUrl,
      plan: { kind: 'reset-from-many-clients', emailPrefix: 'nobody' },
      perSecond: settings.mode === 'full' ? 1000 : 500,
      seconds: settings.clients / (settings.mode === 'full' ? 1000 : 500),
    });
    const countersBefore = await countRows(large.url, 'SELECT COUNT(*) AS n FROM throttle_counters');
    const countersAfter = settings.mode === 'full' ? await countersAfterPruning(largeDefault, large.url) : null;

    const summary = {
      uncached_read_5m_vs_1k: roundTo(median(readRates.large) / median(readRates.small), 3),
      login_vs_bcrypt_1m_users: roundTo(median(passwords.login) / median(passwords.compare), 3),
      register_vs_bcrypt_1m_users: roundTo(median(passwords.register) / median(passwords.hash), 3),
      prune_expired_seconds: roundTo(pruneSeconds, 1),
      read_p99_during_prune_vs_idle: roundTo(duringP99 / p99Of(idleReads), 2),
      admin_search_p50_ms: roundTo(search.byStatus['200']?.p50Ms ?? NaN, 0),
      admin_search_p99_ms: roundTo(search.byStatus['200']?.p99Ms ?? NaN, 0),
      throttle_counters_after_prune: countersAfter,
    };
    const details = {
      date: new Date().toISOString(),
      mode: settings.mode,
      machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version },
      settings,
      tables: { afterSeed: sizesAfterSeed, afterPrune: await tableSizes(large.url) },
      reads: readRates,
      passwords,
      search,
      prune: {
        seconds: pruneSeconds,
        expiredLeft,
        idleP99Ms: p99Of(idleReads),
        duringP99Ms: duringP99,
        readsDuring: pooled.length,
        worstWindowP99Ms: Math.max(...duringReads.map(p99Of)),
      },
      throttle: { clients: settings.clients, countersBefore, countersAfter },
      wallSeconds: roundTo((performance.now() - startedAt) / 1000, 0),
    };
    console.log(`Tables after the seed: ${JSON.stringify(sizesAfterSeed)}`);
    console.log(
      `Uncached reads: 1,000 tokens ${JSON.stringify(readRates.small.map((r) => roundTo(r, 0)))}, 5 M ${JSON.stringify(readRates.large.map((r) => roundTo(r, 0)))} req/s`,
    );
    console.log(`Passwords per s: ${JSON.stringify(passwords)}`);
    console.log(`Admin search: ${JSON.stringify(search.byStatus)}`);
    console.log(
      `Pruning ${settings.expiredTokens} expired tokens: ${pruneSeconds.toFixed(1)} s, ${expiredLeft} left; guarded reads (cache off) ` +
        `p99 ${roundTo(p99Of(idleReads), 1)} ms before, ${roundTo(duringP99, 1)} ms during (${pooled.length} reads; ` +
        `worst 2-second window ${roundTo(Math.max(...duringReads.map(p99Of)), 1)} ms)`,
    );
    console.log(
      `Throttle counters: ${countersBefore} after ${settings.clients} clients, ` +
        (countersAfter === null
          ? 'the pruning is not waited for in smoke mode'
          : `${countersAfter} once their windows closed and the pruning ran`),
    );
    console.log(`Wall time ${details.wallSeconds} s (${settings.mode} mode)`);
    writeFileSync(join(ROOT, 'bench', 'scale-results.json'), `${JSON.stringify({ summary, ...details }, null, 2)}\n`);
    console.log(JSON.stringify(summary));
  } finally {
    await stopAll();
    await Promise.all([small.drop(), large.drop()]);
    rmSync(logDir, { recursive: true, force: true });
  }
}

process.once('SIGINT', () => interruption.abort(new Error('interrupted')));
process.once('SIGTERM', () => interruption.abort(new Error('interrupted')));
process.once('exit', killAllNow);

main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = interruption.signal.aborted ? 130 : 1;
  },
);
