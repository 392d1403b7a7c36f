/**
 * Issue 4's benchmark: what the service's guarantees cost, each figure a ratio
 * to a reference measured in the same run, on the same machine.
 *
 *   npm run bench                 the full run, about five minutes on two cores
 *   BENCH_SMOKE=1 npm run bench   proves the bench works, in under a minute; its figures mean little
 *
 * BENCH_ROUNDS, BENCH_ROUND_SECONDS (guarded reads) and BENCH_PASSWORD_ROUND_SECONDS
 * (logins, registrations, raw bcrypt) override the mode's defaults.
 *
 * Two instances of the production build (token cache on and off) and the
 * baseline app of bench/baseline/ run against a database of their own, seeded
 * with users and live tokens. The cached instance also answers a resource
 * server (INTROSPECTION_CLIENTS): POST /auth/introspect of the guarded reads'
 * tokens is one more read round, beside its guarded read. Load comes from
 * worker processes, never from this one. Rounds of the things compared are
 * interleaved (A, B, C, A, B, C…) so drift weighs on all of them alike, and
 * each figure is a median of rounds.
 *
 * Prints a table, writes bench/results.json, and ends stdout with one JSON
 * line. Exit code: 0 whatever the verdicts, 1 when the run failed, 130 when
 * interrupted. Everything it starts, database included, goes at the end.
 */
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { BaselineClaims } from './baseline/claims';
// A type import only: the worker module starts serving as soon as it is loaded.
import type { BcryptCommand, BcryptResult } from './support/bcrypt-worker';
import { createBenchDatabase, seed, Seed, SeededUser } from './support/database';
import {
  FloodResult,
  IntrospectionClient,
  LoadCommand,
  LoadResult,
  PlannedRequest,
  requestSource,
  RequestPlan,
} from './support/load-protocol';
import { interruption, killAllNow, log, Server, startBaseline, startRecipe, startService, stopAll, stopProcess } from './support/processes';
import { Details, FairLoginDetails, FloodDetails, OverloadDetails, report, RevocationDetails, Series, Summary } from './support/report';
import { busyCores, currentRssMb, highWaterMarkMb, observe } from './support/proc';
import { median, quantile, roundTo } from './support/stats';
import { forkWorker, Worker } from './support/worker-rpc';
import { closedLoop, LoadWorker, openLoop } from './support/load-calls';

const BCRYPT_COST = 12;
const READ_CONNECTIONS = 50;
/** Logouts on one instance whose token another instance had cached, in this many chains side by side. */
const REVOCATION_CHAINS = 10;
/** How often the other instance is asked again while it still accepts the token. */
const REVOCATION_PROBE_MS = 5;
const REVOCATION_GIVE_UP_MS = 10_000;
const FLOOD_CONNECTIONS = 50;
/** Another loopback address: the flood is another client than the real users, as it would be. */
const FLOOD_ADDRESS = '127.0.0.2';
const FLOOD_LEAD_SECONDS = 1;
/** Another client's logins beside a login flood: a person signing in now and then, many of them. */
const FAIR_LOGINS_PER_SECOND = 2;
// Two per core keep every bcrypt slot busy with one request queued behind each. More would
// queue past PASSWORD_HASHING_MAX_WAIT_MS on a slow round and measure shedding, not throughput.
const PASSWORD_CONNECTIONS = 2 * availableParallelism();
const OVERLOAD_FACTOR = 4;
// The logins get a head start, so the reads beside them meet a queue already full.
const OVERLOAD_LEAD_SECONDS = 1;
const SHED_P99_LIMIT_MS = 100;
const BACKGROUND_SAMPLE_SECONDS = 1;
// More than this much CPU taken by something else before the run starts, and its figures are suspect.
const BACKGROUND_WARNING_CORES = 0.25;

interface Settings {
  mode: 'full' | 'smoke';
  users: number;
  tokens: number;
  /** Tokens (and JWTs) the guarded reads cycle through, one per user. */
  rotatingTokens: number;
  rounds: number;
  warmupSeconds: number;
  readSeconds: number;
  passwordSeconds: number;
  idleReadSeconds: number;
  overloadSeconds: number;
  /** The "modest fixed rate" of guarded reads beside the overload and the flood. */
  readsPerSecondBesideOverload: number;
  revocationLogouts: number;
  floodSeconds: number;
}

const FULL: Settings = {
  mode: 'full',
  users: 10_000,
  tokens: 20_000,
  rotatingTokens: 2_000,
  rounds: 3,
  warmupSeconds: 3,
  readSeconds: 8,
  passwordSeconds: 6,
  idleReadSeconds: 8,
  overloadSeconds: 10,
  readsPerSecondBesideOverload: 200,
  revocationLogouts: 200,
  floodSeconds: 5,
};

const SMOKE: Settings = {
  mode: 'smoke',
  users: 500,
  tokens: 1_000,
  rotatingTokens: 200,
  rounds: 1,
  warmupSeconds: 0.5,
  readSeconds: 1.5,
  passwordSeconds: 1.5,
  idleReadSeconds: 1.5,
  overloadSeconds: 2,
  readsPerSecondBesideOverload: 100,
  revocationLogouts: 20,
  floodSeconds: 2,
};

interface Bench {
  settings: Settings;
  password: string;
  seed: Seed;
  cached: Server;
  /** A second instance with the cache on, on the same database: where revocations made on `cached` must arrive. */
  cachedElsewhere: Server;
  uncached: Server;
  baseline: Server;
  recipe: Server;
  /** The resource server that `cached` answers introspection for. */
  introspectionClient: IntrospectionClient;
  readTokens: string[];
  jwts: string[];
  recipeJwts: string[];
  /** Where every server's standard output goes, a file each. */
  logDir: string;
  /** Two, so the overload can run logins and reads from separate processes. */
  loads: [LoadWorker, LoadWorker];
  bcrypt: Worker<BcryptCommand, BcryptResult>;
  /** Thread-pool timings from inside the cached instance (bench/support/threadpool-probe.js). */
  threadPoolProbeFile: string;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function readSettings(): Settings {
  const defaults = process.env.BENCH_SMOKE === '1' ? SMOKE : FULL;
  return {
    ...defaults,
    rounds: Math.round(positiveNumber('BENCH_ROUNDS', defaults.rounds)),
    readSeconds: positiveNumber('BENCH_ROUND_SECONDS', defaults.readSeconds),
    passwordSeconds: positiveNumber('BENCH_PASSWORD_ROUND_SECONDS', defaults.passwordSeconds),
  };
}

/** Random, so never one of the common passwords registration refuses. */
function randomPassword(): string {
  return `bench ${randomBytes(12).toString('base64url')}`;
}

function signJwts(users: SeededUser[], secret: KeyObject | string): string[] {
  const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: '24h' } });
  return users.map((user) =>
    jwt.sign({
      sub: String(user.id),
      email: user.email,
      emailVerified: false,
      pendingEmail: null,
      mfaEnabled: false,
      role: 'user',
      createdAt: user.createdAt.toISOString(),
    } satisfies BaselineClaims),
  );
}

async function setUp(settings: Settings, databaseUrl: string, logDir: string): Promise<Bench> {
  const password = randomPassword();
  const jwtSecret = randomBytes(32);
  // The recipe's secret is a string, as the documentation's `jwtConstants.secret` is.
  const recipeSecret = randomBytes(32).toString('base64url');
  // 40 characters of base64url: a secret INTROSPECTION_CLIENTS takes as it is, and form-urlencoding leaves alone.
  const introspectionClient: IntrospectionClient = { id: 'bench', secret: randomBytes(30).toString('base64url') };
  const loadWorker = () => forkWorker<LoadCommand, LoadResult>(`${__dirname}/support/load-worker.ts`);
  const loads: [LoadWorker, LoadWorker] = [loadWorker(), loadWorker()];
  const bcrypt = forkWorker<BcryptCommand, BcryptResult>(`${__dirname}/support/bcrypt-worker.ts`);
  const threadPoolProbeFile = join(tmpdir(), `bench-threadpool-${process.pid}.jsonl`);
  rmSync(threadPoolProbeFile, { force: true });
  // The defaults but for the cache of the one without: production mode, the default log level, TOKEN_CACHE_TTL_MS.
  const service = (
    name: string,
    logName: string,
    options: { tokenCacheTtlMs?: number; probeFile?: string; env?: Record<string, string> } = {},
  ) =>
    startService({
      name,
      databaseUrl,
      bcryptCost: BCRYPT_COST,
      tokenCacheTtlMs: options.tokenCacheTtlMs,
      logFile: join(logDir, logName),
      threadPoolProbeFile: options.probeFile,
      env: options.env,
    });

  // The first instance runs the migrations: the seed and the other instances need its tables.
  const [cached, baseline, recipe] = await Promise.all([
    service('service (cache on)', 'service.log', {
      probeFile: threadPoolProbeFile,
      env: { INTROSPECTION_CLIENTS: `${introspectionClient.id}:${introspectionClient.secret}` },
    }),
    startBaseline(jwtSecret.toString('hex')),
    startRecipe(recipeSecret, join(logDir, 'recipe.log')),
  ]);
  log(`seeding ${settings.users} users and ${settings.tokens} tokens`);
  const [seeded, uncached, cachedElsewhere] = await Promise.all([
    seed(databaseUrl, { users: settings.users, tokens: settings.tokens }, password, BCRYPT_COST),
    service('service (cache off)', 'service-uncached.log', { tokenCacheTtlMs: 0 }),
    // The revocation rounds present hundreds of revoked tokens from one address: its throttle must not decide them.
    service('service (cache on, second instance)', 'service-second.log', { env: { INVALID_TOKENS_PER_CLIENT: '1000000' } }),
    Promise.all([...loads.map((load) => load.ready), bcrypt.ready]),
  ]);
  // Token i belongs to user i: the rotation covers as many users as tokens.
  const rotatingUsers = seeded.users.slice(0, settings.rotatingTokens);
  return {
    settings,
    password,
    seed: seeded,
    cached,
    cachedElsewhere,
    uncached,
    baseline,
    recipe,
    introspectionClient,
    threadPoolProbeFile,
    logDir,
    readTokens: seeded.tokens.slice(0, settings.rotatingTokens).map(({ token }) => token),
    jwts: signJwts(rotatingUsers, createSecretKey(jwtSecret)),
    recipeJwts: signJwts(rotatingUsers, recipeSecret),
    loads,
    bcrypt,
  };
}

async function getJson(url: string, bearer: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${bearer}` }, signal: interruption.signal });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

/** The answer to the first request of `plan`, exactly as a load worker would send it. */
async function firstAnswer(server: Server, plan: RequestPlan): Promise<unknown> {
  const { method, path, headers, body }: PlannedRequest = requestSource(plan)();
  const response = await fetch(new URL(path, server.baseUrl), { method, headers, body, signal: interruption.signal });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path} on ${server.name}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** A throughput is only worth comparing if every server answers the same thing. */
async function checkAnswers(bench: Bench): Promise<void> {
  const user = bench.seed.users[0];
  // The seeded users have never verified their address.
  const expected = {
    id: user.id,
    email: user.email,
    emailVerified: false,
    pendingEmail: null,
    mfaEnabled: false,
    role: 'user',
    createdAt: user.createdAt.toISOString(),
  };
  const answers = {
    'service (cache on) GET /users/me': await getJson(`${bench.cached.baseUrl}/users/me`, bench.readTokens[0]),
    'service (cache off) GET /users/me': await getJson(`${bench.uncached.baseUrl}/users/me`, bench.readTokens[0]),
    'baseline GET /jwt': await getJson(`${bench.baseline.baseUrl}/jwt`, bench.jwts[0]),
    'NestJS docs recipe GET /profile': await getJson(`${bench.recipe.baseUrl}/profile`, bench.recipeJwts[0]),
  };
  for (const [name, answer] of Object.entries(answers)) {
    if (!isDeepStrictEqual(answer, expected)) {
      throw new Error(`${name} answered ${JSON.stringify(answer)}, not ${JSON.stringify(expected)}`);
    }
  }
  // The introspection of the same token: the same user, as a resource server reads it (RFC 7662).
  const { exp, iat, ...introspected } = (await firstAnswer(bench.cached, introspections(bench))) as Record<string, unknown>;
  const expectedIntrospection = { active: true, token_type: 'Bearer', scope: '', sub: String(user.id), username: user.email, role: 'user' };
  // The seed issues every token when it creates the users, for a day.
  const issuedAt = Math.floor(user.createdAt.getTime() / 1000);
  if (!isDeepStrictEqual(introspected, expectedIntrospection) || iat !== issuedAt || typeof exp !== 'number' || exp <= Date.now() / 1000) {
    throw new Error(
      `service (cache on) POST /auth/introspect answered ${JSON.stringify({ ...introspected, exp, iat })}, ` +
        `not ${JSON.stringify({ ...expectedIntrospection, iat: issuedAt })} with a future exp`,
    );
  }
  const bare = await getJson(`${bench.baseline.baseUrl}/bare`, bench.readTokens[0]);
  if (!isDeepStrictEqual(Object.keys(bare as object), Object.keys(expected))) {
    throw new Error(`baseline GET /bare answered ${JSON.stringify(bare)}: not the shape of GET /users/me`);
  }
}

interface ReadTarget {
  label: string;
  server: Server;
  plan: RequestPlan;
  /** Text each answer must hold to count (ClosedLoopCommand.bodyIncludes). */
  bodyIncludes?: string;
}

function guardedReads(bench: Bench): RequestPlan {
  return { kind: 'bearer', path: '/users/me', tokens: bench.readTokens };
}

/** A resource server asking about the guarded reads' tokens, in the same rotation. */
function introspections(bench: Bench): RequestPlan {
  return { kind: 'introspect', client: bench.introspectionClient, tokens: bench.readTokens };
}

function readTargets(bench: Bench): ReadTarget[] {
  return [
    { label: 'service, cache on', server: bench.cached, plan: guardedReads(bench) },
    // Right after the guarded read it is compared with, on the same instance; a 200 `{"active":false}` would not count.
    { label: 'introspection, cache on', server: bench.cached, plan: introspections(bench), bodyIncludes: '"active":true' },
    { label: 'service, cache off', server: bench.uncached, plan: guardedReads(bench) },
    // The same opaque tokens, ignored: requests of the same size as the guarded ones.
    { label: 'baseline GET /bare', server: bench.baseline, plan: { kind: 'bearer', path: '/bare', tokens: bench.readTokens } },
    { label: 'baseline GET /jwt', server: bench.baseline, plan: { kind: 'bearer', path: '/jwt', tokens: bench.jwts } },
    {
      label: 'NestJS docs recipe GET /profile',
      server: bench.recipe,
      plan: { kind: 'bearer', path: '/profile', tokens: bench.recipeJwts },
    },
  ];
}

interface ReadFigures {
  series: Series[];
  /** RSS of each service instance before its first request. */
  idleRssMb: Map<Server, number>;
  /** Highest RSS of each service instance during its rounds. */
  peakRssMb: Map<Server, number>;
}

async function measureGuardedReads(bench: Bench): Promise<ReadFigures> {
  const { rounds, readSeconds, warmupSeconds } = bench.settings;
  const targets = readTargets(bench);
  const read = (target: ReadTarget, seconds: number) =>
    closedLoop(
      bench.loads[0],
      { baseUrl: target.server.baseUrl, plan: target.plan, connections: READ_CONNECTIONS, seconds, bodyIncludes: target.bodyIncludes },
      target.label,
    );

  const services = [bench.cached, bench.uncached];
  const idleRssMb = new Map(services.map((server) => [server, currentRssMb(pidOf(server))]));
  log(`guarded reads and introspection: warm-up, then ${rounds} interleaved rounds of ${readSeconds} s per target`);
  for (const target of targets) await read(target, warmupSeconds);

  const series = targets.map(({ label }) => ({
    label,
    perSecond: [] as number[],
    p99Ms: [] as number[],
    serverCpuCores: [] as number[],
    generatorCpuCores: [] as number[],
  }));
  const peakRssMb = new Map<Server, number>();
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const { result, peakRssMb: peak, cpuCores } = await observe(pidOf(target.server), () => read(target, readSeconds));
      series[i].perSecond.push(result.perSecond);
      series[i].p99Ms.push(result.p99Ms);
      series[i].serverCpuCores.push(cpuCores);
      series[i].generatorCpuCores.push(result.generatorCpuCores);
      if (services.includes(target.server)) peakRssMb.set(target.server, Math.max(peakRssMb.get(target.server) ?? 0, peak));
      log(
        `  round ${round + 1}: ${target.label} ${result.perSecond.toFixed(0)} req/s, p99 ${result.p99Ms} ms, ` +
          `CPU server ${cpuCores.toFixed(2)}, generator ${result.generatorCpuCores.toFixed(2)} cores`,
      );
    }
  }
  return { series, idleRssMb, peakRssMb };
}

/** What each server wrote to its standard output: the request lines the production defaults write. */
function logSizes(dir: string): Record<string, number> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).size]));
}

function pidOf(server: Server): number {
  if (server.process.pid === undefined) throw new Error(`${server.name} has no process id`);
  return server.process.pid;
}

function logins(bench: Bench): RequestPlan {
  // Users outside the read rotation, many of them, so no one user's tokens pile up.
  const emails = bench.seed.users.slice(bench.settings.rotatingTokens).map(({ email }) => email);
  return { kind: 'login', emails, password: bench.password };
}

interface PasswordFigures {
  login: Series;
  compare: Series;
  register: Series;
  hash: Series;
}

async function passwordRound(bench: Bench, plan: RequestPlan, label: string): Promise<number> {
  const result = await closedLoop(
    bench.loads[0],
    { baseUrl: bench.cached.baseUrl, plan, connections: PASSWORD_CONNECTIONS, seconds: bench.settings.passwordSeconds },
    label,
  );
  // Requests cut off at the end of the round are still being hashed: let them finish before the next round.
  const drainMs = (PASSWORD_CONNECTIONS / Math.max(result.perSecond, 1)) * 1000 + 500;
  await sleep(drainMs, undefined, { signal: interruption.signal });
  return result.perSecond;
}

async function rawBcrypt(bench: Bench, operation: BcryptCommand['operation']): Promise<number> {
  const result = await bench.bcrypt.call({
    operation,
    password: bench.password,
    cost: BCRYPT_COST,
    concurrency: availableParallelism(),
    seconds: bench.settings.passwordSeconds,
  });
  return result.perSecond;
}

async function measurePasswordWork(bench: Bench): Promise<PasswordFigures> {
  const { rounds, passwordSeconds } = bench.settings;
  const figures: PasswordFigures = {
    login: { label: 'POST /auth/token', perSecond: [] },
    compare: { label: 'raw bcrypt.compare', perSecond: [] },
    register: { label: 'POST /auth/register', perSecond: [] },
    hash: { label: 'raw bcrypt.hash', perSecond: [] },
  };
  log(`password work: ${rounds} interleaved rounds of ${passwordSeconds} s (login, compare, register, hash)`);
  for (let round = 0; round < rounds; round++) {
    const registrations: RequestPlan = { kind: 'register', emailPrefix: `bench-new-${round}`, password: bench.password };
    figures.login.perSecond.push(await passwordRound(bench, logins(bench), 'login'));
    figures.compare.perSecond.push(await rawBcrypt(bench, 'compare'));
    figures.register.perSecond.push(await passwordRound(bench, registrations, 'registration'));
    figures.hash.perSecond.push(await rawBcrypt(bench, 'hash'));
    const last = [figures.login, figures.compare, figures.register, figures.hash].map(
      (series) => `${series.label} ${series.perSecond[round].toFixed(1)}/s`,
    );
    log(`  round ${round + 1}: ${last.join(', ')}`);
  }
  return figures;
}

async function measureOverload(bench: Bench, loginCapacityPerSecond: number): Promise<OverloadDetails> {
  const { idleReadSeconds, overloadSeconds, readsPerSecondBesideOverload: readsPerSecond } = bench.settings;
  const offeredLoginsPerSecond = OVERLOAD_FACTOR * loginCapacityPerSecond;
  const baseUrl = bench.cached.baseUrl;
  const reads = (seconds: number) => openLoop(bench.loads[1], { baseUrl, plan: guardedReads(bench), perSecond: readsPerSecond, seconds });
  const loginSeconds = overloadSeconds + OVERLOAD_LEAD_SECONDS;

  const loginRate = offeredLoginsPerSecond.toFixed(1);
  log(`overload: guarded reads at ${readsPerSecond}/s, idle for ${idleReadSeconds} s, then beside ${loginRate} logins/s`);
  const idleWindow = { from: Date.now(), to: 0 };
  const idleReads = await reads(idleReadSeconds);
  idleWindow.to = Date.now();
  const loadedWindow = { from: Date.now() + OVERLOAD_LEAD_SECONDS * 1000, to: 0 };
  const [loginResults, loadedReads] = await Promise.all([
    openLoop(bench.loads[0], { baseUrl, plan: logins(bench), perSecond: offeredLoginsPerSecond, seconds: loginSeconds }),
    sleep(OVERLOAD_LEAD_SECONDS * 1000, undefined, { signal: interruption.signal }).then(() => reads(overloadSeconds)),
  ]);
  loadedWindow.to = Date.now();
  // The probe writes twice a second: wait for the last samples of the window.
  await sleep(1000, undefined, { signal: interruption.signal });
  const threadPool = threadPoolTimings(bench.threadPoolProbeFile, idleWindow, loadedWindow);
  return { loginCapacityPerSecond, offeredLoginsPerSecond, readsPerSecond, logins: loginResults, idleReads, loadedReads, threadPool };
}

interface ProbeSample {
  at: number;
  kind: 'file' | 'dns';
  ms: number;
}

/** p99 of the probe's file reads and DNS lookups inside the service, idle and beside the overload. */
function threadPoolTimings(file: string, idle: { from: number; to: number }, loaded: { from: number; to: number }) {
  const samples: ProbeSample[] = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as ProbeSample)
    : [];
  rmSync(file, { force: true });
  const p99 = (window: { from: number; to: number }, kind: ProbeSample['kind']) => {
    const times = samples
      .filter((sample) => sample.kind === kind && sample.at >= window.from && sample.at <= window.to)
      .map((sample) => sample.ms);
    return times.length === 0
      ? NaN
      : roundTo(
          quantile(
            times.sort((a, b) => a - b),
            0.99,
          ),
          1,
        );
  };
  return {
    idleP99Ms: { file: p99(idle, 'file'), dns: p99(idle, 'dns') },
    loadedP99Ms: { file: p99(loaded, 'file'), dns: p99(loaded, 'dns') },
  };
}

async function statusOf(url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, { ...init, signal: interruption.signal });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Logouts on one instance of tokens another instance has checked (and
 * cached, for TOKEN_CACHE_TTL_MS): how long after each logout's answer the
 * other instance still accepted the token, asked again every 5 ms. The
 * tokens are seeded ones outside the reads' rotation.
 */
async function measureRevocationLag(bench: Bench): Promise<RevocationDetails> {
  const { rotatingTokens, revocationLogouts } = bench.settings;
  const tokens = bench.seed.tokens.slice(rotatingTokens, rotatingTokens + revocationLogouts).map(({ token }) => token);
  const meOn = (server: Server, token: string) => statusOf(`${server.baseUrl}/users/me`, { headers: { authorization: `Bearer ${token}` } });
  log(`revocation: ${tokens.length} logouts on one instance, each token cached by the other first, ${REVOCATION_CHAINS} at a time`);
  const lagsMs: number[] = [];
  const chain = async (mine: string[]) => {
    for (const token of mine) {
      const before = await meOn(bench.cachedElsewhere, token);
      if (before !== 200) throw new Error(`revocation: a seeded token was refused (${before}) before its logout`);
      const logout = await statusOf(`${bench.cached.baseUrl}/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      if (logout !== 204) throw new Error(`revocation: the logout answered ${logout}`);
      const answeredAt = performance.now();
      for (;;) {
        const sentAt = performance.now();
        if ((await meOn(bench.cachedElsewhere, token)) === 401) {
          lagsMs.push(Math.max(0, sentAt - answeredAt));
          break;
        }
        if (sentAt - answeredAt > REVOCATION_GIVE_UP_MS)
          throw new Error(`revocation: still accepted ${REVOCATION_GIVE_UP_MS} ms after the logout`);
        await sleep(REVOCATION_PROBE_MS, undefined, { signal: interruption.signal });
      }
    }
  };
  await Promise.all(
    Array.from({ length: REVOCATION_CHAINS }, (_, index) => chain(tokens.filter((_token, i) => i % REVOCATION_CHAINS === index))),
  );
  const sorted = lagsMs.sort((a, b) => a - b);
  return {
    logouts: sorted.length,
    probeMs: REVOCATION_PROBE_MS,
    p50Ms: roundTo(quantile(sorted, 0.5), 0),
    p99Ms: roundTo(quantile(sorted, 0.99), 0),
    maxMs: roundTo(sorted[sorted.length - 1], 0),
  };
}

/**
 * Issue 22's fair admission: another client's logins at a modest fixed rate,
 * first alone, then beside one client (another loopback address) offering
 * OVERLOAD_FACTOR times the login capacity, in the configuration users run
 * (PASSWORD_HASHING_QUEUE, _PER_CLIENT and _MAX_WAIT_MS at their defaults).
 * The other client's p99 beside the flood over its p99 alone, and the share
 * of its logins served: the flood sheds its own work, not theirs.
 */
async function measureFairLogins(bench: Bench, loginCapacityPerSecond: number): Promise<FairLoginDetails> {
  const { floodSeconds } = bench.settings;
  const baseUrl = bench.cached.baseUrl;
  const offeredLoginsPerSecond = OVERLOAD_FACTOR * loginCapacityPerSecond;
  // Users outside the read rotation, as for the other logins.
  const emails = bench.seed.users.slice(bench.settings.rotatingTokens).map(({ email }) => email);
  // Accounts of their own on each side, so that no account's attempts wait for the other side's.
  const otherPlan: RequestPlan = { kind: 'login', emails: emails.slice(0, 100), password: bench.password };
  const floodPlan: RequestPlan = { kind: 'login', emails: emails.slice(100), password: bench.password };
  const others = (seconds: number) => openLoop(bench.loads[1], { baseUrl, plan: otherPlan, perSecond: FAIR_LOGINS_PER_SECOND, seconds });
  log(
    `fair admission: another client's logins at ${FAIR_LOGINS_PER_SECOND}/s for ${floodSeconds} s alone, ` +
      `then beside one client offering ${offeredLoginsPerSecond.toFixed(1)} logins/s`,
  );
  const otherAlone = await others(floodSeconds);
  const [flood, otherBesideFlood] = await Promise.all([
    openLoop(bench.loads[0], {
      baseUrl,
      plan: floodPlan,
      perSecond: offeredLoginsPerSecond,
      seconds: floodSeconds + FLOOD_LEAD_SECONDS,
      localAddress: FLOOD_ADDRESS,
    }),
    sleep(FLOOD_LEAD_SECONDS * 1000, undefined, { signal: interruption.signal }).then(() => others(floodSeconds)),
  ]);
  return { offeredLoginsPerSecond, flood, otherAlone, otherBesideFlood };
}

/**
 * Real users' guarded reads at a modest fixed rate, first alone, then beside
 * one client (another address) sending well-formed tokens that match nothing
 * as fast as 50 connections go: their p99 beside the flood over their p99 alone.
 */
async function measureUnknownTokenFlood(bench: Bench): Promise<FloodDetails> {
  const { floodSeconds, readsPerSecondBesideOverload: readsPerSecond } = bench.settings;
  const baseUrl = bench.cached.baseUrl;
  const reads = (seconds: number) => openLoop(bench.loads[1], { baseUrl, plan: guardedReads(bench), perSecond: readsPerSecond, seconds });
  log(
    `unknown-token flood: guarded reads at ${readsPerSecond}/s for ${floodSeconds} s alone, then beside ${FLOOD_CONNECTIONS} flooding connections`,
  );
  const idleReads = await reads(floodSeconds);
  const [flood, floodedReads] = await Promise.all([
    bench.loads[0].call({
      type: 'flood',
      baseUrl,
      path: '/users/me',
      connections: FLOOD_CONNECTIONS,
      seconds: floodSeconds + FLOOD_LEAD_SECONDS,
      localAddress: FLOOD_ADDRESS,
    }) as Promise<FloodResult>,
    sleep(FLOOD_LEAD_SECONDS * 1000, undefined, { signal: interruption.signal }).then(() => reads(floodSeconds)),
  ]);
  return { flood, idleReads, floodedReads };
}

function summarise(
  reads: ReadFigures,
  passwords: PasswordFigures,
  overload: OverloadDetails,
  revocation: RevocationDetails,
  flood: FloodDetails,
  fairLogins: FairLoginDetails,
): Summary {
  const rate = (series: Series) => median(series.perSecond);
  const [cached, introspection, uncached, bare, jwt, recipe] = reads.series.map(rate);
  const shed = overload.logins.byStatus['503'];
  const readP99Ratio = (overload.loadedReads.byStatus['200']?.p99Ms ?? NaN) / (overload.idleReads.byStatus['200']?.p99Ms ?? NaN);
  return {
    guarded_vs_bare_cached: roundTo(cached / bare, 3),
    guarded_vs_jwt_cached: roundTo(cached / jwt, 3),
    guarded_vs_recipe_cached: roundTo(cached / recipe, 3),
    guarded_vs_bare_uncached: roundTo(uncached / bare, 3),
    introspection_vs_guarded_read: roundTo(introspection / cached, 3),
    login_vs_bcrypt: roundTo(rate(passwords.login) / rate(passwords.compare), 3),
    register_vs_bcrypt: roundTo(rate(passwords.register) / rate(passwords.hash), 3),
    overload_login_p99_ms: roundTo(overload.logins.byStatus['200']?.p99Ms ?? NaN, 0),
    overload_shed_ok: shed !== undefined && overload.logins.unavailableWithoutRetryAfter === 0 && shed.p99Ms < SHED_P99_LIMIT_MS,
    overload_read_p99_ratio: roundTo(readP99Ratio, 2),
    rss_mb: roundTo(Math.max(...reads.peakRssMb.values()), 0),
    revocation_lag_p99_ms: revocation.p99Ms,
    unknown_token_flood_p99_ratio: roundTo(
      (flood.floodedReads.byStatus['200']?.p99Ms ?? NaN) / (flood.idleReads.byStatus['200']?.p99Ms ?? NaN),
      2,
    ),
    fair_login_p99_ratio: roundTo(
      (fairLogins.otherBesideFlood.byStatus['200']?.p99Ms ?? NaN) / (fairLogins.otherAlone.byStatus['200']?.p99Ms ?? NaN),
      2,
    ),
    fair_login_served_share: roundTo((fairLogins.otherBesideFlood.byStatus['200']?.count ?? 0) / fairLogins.otherBesideFlood.sent, 3),
  };
}

/** Read while both instances still run: the one without cache stops after the reads. */
function memoryDetails(reads: ReadFigures): Details['memory'] {
  return Object.fromEntries(
    [...reads.peakRssMb].map(([server, peakUnderLoadMb]) => [
      server.name,
      { idleMb: reads.idleRssMb.get(server) ?? NaN, peakUnderLoadMb, highWaterMarkMb: highWaterMarkMb(pidOf(server)) },
    ]),
  );
}

async function measure(bench: Bench, startedAt: number, backgroundCores: number): Promise<void> {
  await checkAnswers(bench);
  const reads = await measureGuardedReads(bench);
  const memory = memoryDetails(reads);
  // Their comparisons are done; from here on they would only take memory and timers from the rest.
  await Promise.all([stopProcess(bench.uncached.process), stopProcess(bench.recipe.process), stopProcess(bench.baseline.process)]);
  const revocation = await measureRevocationLag(bench);
  await stopProcess(bench.cachedElsewhere.process);
  const passwords = await measurePasswordWork(bench);
  const overload = await measureOverload(bench, median(passwords.login.perSecond));
  const flood = await measureUnknownTokenFlood(bench);
  const fairLogins = await measureFairLogins(bench, median(passwords.login.perSecond));
  report(summarise(reads, passwords, overload, revocation, flood, fairLogins), {
    mode: bench.settings.mode,
    settings: {
      ...bench.settings,
      bcryptCost: BCRYPT_COST,
      readConnections: READ_CONNECTIONS,
      passwordConnections: PASSWORD_CONNECTIONS,
    },
    reads: reads.series,
    passwords: [passwords.login, passwords.compare, passwords.register, passwords.hash],
    overload,
    revocation,
    flood,
    fairLogins,
    logBytes: logSizes(bench.logDir),
    memory,
    backgroundCores,
    wallSeconds: (performance.now() - startedAt) / 1000,
  });
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const settings = readSettings();
  const configuredUrl = process.env.DATABASE_URL;
  if (!configuredUrl) throw new Error('DATABASE_URL is not set: run through npm run bench');

  log(`${settings.mode} run`);
  const backgroundCores = await busyCores(BACKGROUND_SAMPLE_SECONDS, availableParallelism(), interruption.signal);
  if (backgroundCores > BACKGROUND_WARNING_CORES) {
    log(`warning: ${backgroundCores.toFixed(2)} cores were busy before the bench started anything: its figures will be low and noisy`);
  }
  const database = await createBenchDatabase(configuredUrl, 'bench_suite');
  const logDir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  try {
    await measure(await setUp(settings, database.url, logDir), startedAt, backgroundCores);
  } finally {
    await stopAll();
    await database.drop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

function interrupt(): void {
  interruption.abort(new Error('interrupted'));
  // Ends the rounds in flight too: their workers' calls fail, and main's cleanup runs.
  void stopAll();
}

process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);
process.once('exit', killAllNow);

main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    // Once interrupted, every failure is a consequence of the interruption: say so, not which call noticed.
    if (interruption.signal.aborted) {
      log('interrupted');
      process.exitCode = 130;
    } else {
      log(`failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  },
);
