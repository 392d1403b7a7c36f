/**
 * Security checklist items 12 and 32: an unknown email and a wrong password
 * must take the same time at login, and an unknown and a registered email the
 * same time at POST /auth/password-reset, or response times tell an attacker
 * which emails have accounts. And item 43: a wrong password of an account
 * with MFA on takes the time of any other wrong password, or the time tells
 * which accounts have a second factor.
 *
 * Starts the production build (dist/main.js) against a database of its own,
 * registers users, then times POST /auth/token and POST /auth/password-reset
 * from one sequential client, the kinds of request interleaved in random order within each round so drift
 * (CPU frequency, other load, a growing table) weighs on all of them alike.
 *
 *   npm run bench:timing                    40 samples per kind
 *   BENCH_SAMPLES=5 npm run bench:timing    a smoke run for CI
 *
 * Passes when |1 - median(unknown email) / median(wrong password)| <= 0.2,
 * |1 - median(wrong password, MFA on) / median(wrong password)| <= 0.2 and
 * |1 - median(reset, unknown) / median(reset, registered)| <= 0.2.
 * The last stdout line is a JSON summary; everything else goes to stderr.
 * Exit code: 0 within the limit, 1 outside it, 2 when the run failed, 130 on SIGINT/SIGTERM.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase } from './support/database';
import { interruption, log, Server, startService, stopProcess } from './support/processes';
import { quantile } from './support/stats';
import { linkTokenOf, SmtpSink } from '../test/support/smtp-sink';
import { totpOf } from '../test/support/totp';

const DEFAULT_SAMPLES = 40;
const WARMUP_ROUNDS = 3;
const BCRYPT_COST = 12;
const MAX_DEVIATION = 0.2;
const PASSWORD = 'correct horse battery staple';
const WRONG_PASSWORD = 'correct horse battery stable';
// The service refuses an email's attempts once it has 10 failures, or 10 reset
// requests, in the window (LOGIN_MAX_FAILURES_PER_ACCOUNT cannot go higher), so
// no email gets more than this.
const ATTEMPTS_PER_EMAIL = 8;
const REQUEST_TIMEOUT_MS = 30_000;

interface Answer {
  status: number;
  body: string;
  ms: number;
}

interface Kind {
  label: string;
  path: string;
  /** The request of a round; addresses rotate so that no one reaches its throttle. */
  payload: (round: number, rotation: number) => object;
  expected: { status: number; code?: string; body?: string };
}

const rotating = (prefix: string) => (round: number, rotation: number) => `${prefix}-${round % rotation}@example.com`;

/**
 * Unknown and registered emails rotate alike, so both kinds of a pair see the
 * same pattern of throttle counter writes (a new row, then increments) and
 * the comparison is down to what the service does with the address.
 */
const KINDS = {
  unknown_email: {
    label: 'login, unknown email',
    path: '/auth/token',
    payload: (round, rotation) => ({ email: rotating('bench-unknown')(round, rotation), password: PASSWORD }),
    expected: { status: 401, code: 'INVALID_CREDENTIALS' },
  },
  wrong_password: {
    label: 'login, wrong password',
    path: '/auth/token',
    payload: (round, rotation) => ({ email: rotating('bench')(round, rotation), password: WRONG_PASSWORD }),
    expected: { status: 401, code: 'INVALID_CREDENTIALS' },
  },
  mfa_wrong_password: {
    label: 'login, wrong, MFA on',
    path: '/auth/token',
    payload: (round, rotation) => ({ email: rotating('bench-mfa')(round, rotation), password: WRONG_PASSWORD }),
    expected: { status: 401, code: 'INVALID_CREDENTIALS' },
  },
  correct_password: {
    label: 'login, right password',
    path: '/auth/token',
    payload: () => ({ email: 'bench-login@example.com', password: PASSWORD }),
    expected: { status: 200 },
  },
  reset_unknown: {
    label: 'reset, unknown email',
    path: '/auth/password-reset',
    payload: (round, rotation) => ({ email: rotating('bench-reset-unknown')(round, rotation) }),
    expected: { status: 202, body: '' },
  },
  reset_registered: {
    label: 'reset, registered email',
    path: '/auth/password-reset',
    payload: (round, rotation) => ({ email: rotating('bench-reset')(round, rotation) }),
    expected: { status: 202, body: '' },
  },
} satisfies Record<string, Kind>;
type KindName = keyof typeof KINDS;
const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** The pairs that must take the same time, or the time tells which addresses have accounts (or a second factor). */
const PAIRS = [
  { route: 'POST /auth/token', unknown: 'unknown_email', registered: 'wrong_password', key: 'unknown_vs_wrong_ratio' },
  { route: 'POST /auth/token', unknown: 'mfa_wrong_password', registered: 'wrong_password', key: 'mfa_on_vs_off_wrong_ratio' },
  {
    route: 'POST /auth/password-reset',
    unknown: 'reset_unknown',
    registered: 'reset_registered',
    key: 'reset_unknown_vs_registered_ratio',
  },
] as const satisfies ReadonlyArray<{ route: string; unknown: KindName; registered: KindName; key: string }>;

interface Summary {
  median: number;
  p10: number;
  p90: number;
}

function readSampleCount(): number {
  const raw = process.env.BENCH_SAMPLES?.trim() || String(DEFAULT_SAMPLES);
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`BENCH_SAMPLES must be a positive integer, got "${raw}"`);
  return Number(raw);
}

/** Times one request up to its last body byte; the body is serialised before the clock starts. */
async function post(baseUrl: string, path: string, payload: object): Promise<Answer> {
  const body = JSON.stringify(payload);
  const signal = AbortSignal.any([interruption.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
  const started = process.hrtime.bigint();
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal,
  });
  const text = await response.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { status: response.status, body: text, ms };
}

/**
 * Verifies the user's address by the link mailed to it (a second factor is
 * added only to a verified address), then enrols the user's TOTP and confirms
 * it with a code of the tests' own RFC 6238.
 */
async function turnMfaOn(baseUrl: string, email: string, mail: SmtpSink): Promise<void> {
  const call = async (path: string, body: object, token?: string) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.any([interruption.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    if (response.status !== 200) throw new Error(`${path} for ${email}: got ${response.status} ${(await response.text()).slice(0, 300)}`);
    return (await response.json()) as Record<string, string>;
  };
  await call('/auth/email-verification/confirm', { token: linkTokenOf(await mail.waitFor(email)) });
  const { access_token: token } = await call('/auth/token', { email, password: PASSWORD });
  const { secret } = await call('/auth/mfa/totp', { currentPassword: PASSWORD }, token);
  await call('/auth/mfa/totp/confirm', { code: totpOf(secret, new Date()) }, token);
}

function errorCode(body: string): unknown {
  try {
    return (JSON.parse(body) as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

/** A sample only counts if the service gave the answer the contract promises for it. */
function assertAnswer(kind: Kind, answer: Answer): void {
  const { status, code, body } = kind.expected;
  const ok =
    answer.status === status && (code === undefined || errorCode(answer.body) === code) && (body === undefined || answer.body === body);
  if (!ok) throw new Error(`${kind.label}: expected ${status} ${code ?? ''}, got ${answer.status} ${answer.body.slice(0, 300)}`);
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function summarise(times: number[]): Summary {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9) };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

async function measure(baseUrl: string, samples: number, mail: SmtpSink): Promise<Record<KindName, number[]>> {
  const rounds = WARMUP_ROUNDS + samples;
  const rotation = Math.ceil(rounds / ATTEMPTS_PER_EMAIL);
  const registered = [
    'bench-login@example.com',
    ...Array.from({ length: rotation }, (_, i) => [rotating('bench')(i, rotation), rotating('bench-reset')(i, rotation)]).flat(),
  ];
  const withMfa = Array.from({ length: rotation }, (_, i) => rotating('bench-mfa')(i, rotation));
  log(`registering ${registered.length + withMfa.length} users, ${withMfa.length} of them with MFA on`);
  for (const email of [...registered, ...withMfa]) {
    const answer = await post(baseUrl, '/auth/register', { email, password: PASSWORD });
    if (answer.status !== 201) throw new Error(`registering ${email}: got ${answer.status} ${answer.body.slice(0, 300)}`);
  }
  for (const email of withMfa) await turnMfaOn(baseUrl, email, mail);

  log(`${WARMUP_ROUNDS} warm-up rounds, then ${samples} rounds of ${KIND_NAMES.length} requests`);
  const times = Object.fromEntries(KIND_NAMES.map((name) => [name, [] as number[]])) as Record<KindName, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of shuffled(KIND_NAMES)) {
      const kind: Kind = KINDS[name];
      const answer = await post(baseUrl, kind.path, kind.payload(round, rotation));
      assertAnswer(kind, answer);
      if (round >= WARMUP_ROUNDS) times[name].push(answer.ms);
    }
  }
  return times;
}

function report(samples: number, times: Record<KindName, number[]>): boolean {
  const summaries = Object.fromEntries(KIND_NAMES.map((name) => [name, summarise(times[name])])) as Record<KindName, Summary>;
  const cell = (value: number) => value.toFixed(1).padStart(9);

  console.log(`bcrypt cost ${BCRYPT_COST}, ${samples} samples per kind, interleaved, times in ms`);
  console.log(`${'kind'.padEnd(26)}${'median'.padStart(9)}${'p10'.padStart(9)}${'p90'.padStart(9)}`);
  for (const name of KIND_NAMES) {
    const { median, p10, p90 } = summaries[name];
    console.log(`${KINDS[name].label.padEnd(26)}${cell(median)}${cell(p10)}${cell(p90)}`);
  }
  const verdicts = PAIRS.map((pair) => {
    const ratio = summaries[pair.unknown].median / summaries[pair.registered].median;
    const within = Math.abs(1 - ratio) <= MAX_DEVIATION;
    console.log(
      `${pair.route}: median(${KINDS[pair.unknown].label}) / median(${KINDS[pair.registered].label}) = ${ratio.toFixed(3)}: ` +
        `${within ? 'within' : 'OUTSIDE'} the limit |1 - ratio| <= ${MAX_DEVIATION}`,
    );
    return { key: pair.key, ratio: Math.round(ratio * 1000) / 1000, within };
  });
  const allWithin = verdicts.every(({ within }) => within);
  console.log(
    JSON.stringify({
      bench: 'login-timing',
      samples,
      bcrypt_cost: BCRYPT_COST,
      ...Object.fromEntries(KIND_NAMES.map((name) => [`${name}_median_ms`, round2(summaries[name].median)])),
      ...Object.fromEntries(verdicts.map(({ key, ratio }) => [key, ratio])),
      within_20_percent: allWithin,
    }),
  );
  return allWithin;
}

async function main(): Promise<number> {
  const samples = readSampleCount();
  const configuredUrl = process.env.DATABASE_URL;
  if (!configuredUrl) throw new Error('DATABASE_URL is not set: run through npm run bench:timing');

  const database = await createBenchDatabase(configuredUrl, 'bench');
  const logFile = join(tmpdir(), `bench-timing-${process.pid}.log`);
  const mail = await SmtpSink.start();
  let service: Server | undefined;
  try {
    // The service's own settings keep throttling and the per-user token cap out of the measurement.
    service = await startService({
      name: 'service',
      databaseUrl: database.url,
      bcryptCost: BCRYPT_COST,
      logFile,
      env: { MAIL_URL: mail.url },
    });
    return report(samples, await measure(service.baseUrl, samples, mail)) ? 0 : 1;
  } finally {
    if (service) await stopProcess(service.process);
    await mail.stop();
    await database.drop();
    rmSync(logFile, { force: true });
  }
}

const interrupt = () => interruption.abort(new Error('interrupted'));
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = interruption.signal.aborted ? 130 : 2;
  },
);
