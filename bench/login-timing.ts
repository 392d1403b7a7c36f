/**
 * Security checklist item 12: an unknown email and a wrong password must take
 * the same time, or response times tell an attacker which emails have accounts.
 *
 * Starts the production build (dist/main.js) against a database of its own,
 * registers users, then times POST /auth/token from one sequential client,
 * the kinds of attempt interleaved in random order within each round so drift
 * (CPU frequency, other load, a growing table) weighs on all of them alike.
 *
 *   npm run bench:timing                    40 samples per kind
 *   BENCH_SAMPLES=5 npm run bench:timing    a smoke run for CI
 *
 * Passes when |1 - median(unknown email) / median(wrong password)| <= 0.2.
 * The last stdout line is a JSON summary; everything else goes to stderr.
 * Exit code: 0 within the limit, 1 outside it, 2 when the run failed, 130 on SIGINT/SIGTERM.
 */
import { createBenchDatabase } from './support/database';
import { interruption, log, Server, startService, stopProcess } from './support/processes';
import { quantile } from './support/stats';

const DEFAULT_SAMPLES = 40;
const WARMUP_ROUNDS = 3;
const BCRYPT_COST = 12;
const MAX_DEVIATION = 0.2;
const PASSWORD = 'correct horse battery staple';
const WRONG_PASSWORD = 'correct horse battery stable';
// The service refuses an email's attempts once it has 10 failures in the window
// (LOGIN_MAX_FAILURES_PER_ACCOUNT cannot go higher), so no email gets more than this.
const FAILURES_PER_EMAIL = 8;
const REQUEST_TIMEOUT_MS = 30_000;

const KINDS = ['unknown_email', 'wrong_password', 'correct_password'] as const;
type Kind = (typeof KINDS)[number];

const LABELS: Record<Kind, string> = {
  unknown_email: 'unknown email',
  wrong_password: 'wrong password',
  correct_password: 'correct password',
};

interface Answer {
  status: number;
  body: string;
  ms: number;
}

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

function errorCode(body: string): unknown {
  try {
    return (JSON.parse(body) as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

/** A sample only counts if the service gave the answer the contract promises for it. */
function assertAnswer(kind: Kind, answer: Answer): void {
  const ok =
    kind === 'correct_password' ? answer.status === 200 : answer.status === 401 && errorCode(answer.body) === 'INVALID_CREDENTIALS';
  if (!ok) {
    const expected = kind === 'correct_password' ? '200' : '401 INVALID_CREDENTIALS';
    throw new Error(`${LABELS[kind]}: expected ${expected}, got ${answer.status} ${answer.body.slice(0, 300)}`);
  }
}

/**
 * Unknown and registered emails rotate alike, so both kinds see the same
 * pattern of throttle counter writes (a new row, then increments) and the
 * comparison is down to what the service does with the password.
 */
function emailFor(kind: Kind, round: number, rotation: number): string {
  if (kind === 'correct_password') return 'bench-login@example.com';
  const index = round % rotation;
  return kind === 'unknown_email' ? `bench-unknown-${index}@example.com` : `bench-${index}@example.com`;
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

async function measure(baseUrl: string, samples: number): Promise<Record<Kind, number[]>> {
  const rounds = WARMUP_ROUNDS + samples;
  const rotation = Math.ceil(rounds / FAILURES_PER_EMAIL);
  const registered = ['bench-login@example.com', ...Array.from({ length: rotation }, (_, i) => `bench-${i}@example.com`)];
  log(`registering ${registered.length} users`);
  for (const email of registered) {
    const answer = await post(baseUrl, '/auth/register', { email, password: PASSWORD });
    if (answer.status !== 201) throw new Error(`registering ${email}: got ${answer.status} ${answer.body.slice(0, 300)}`);
  }

  log(`${WARMUP_ROUNDS} warm-up rounds, then ${samples} rounds of ${KINDS.length} logins`);
  const times: Record<Kind, number[]> = { unknown_email: [], wrong_password: [], correct_password: [] };
  for (let round = 0; round < rounds; round++) {
    for (const kind of shuffled(KINDS)) {
      const password = kind === 'wrong_password' ? WRONG_PASSWORD : PASSWORD;
      const answer = await post(baseUrl, '/auth/token', { email: emailFor(kind, round, rotation), password });
      assertAnswer(kind, answer);
      if (round >= WARMUP_ROUNDS) times[kind].push(answer.ms);
    }
  }
  return times;
}

function report(samples: number, times: Record<Kind, number[]>): boolean {
  const summaries = Object.fromEntries(KINDS.map((kind) => [kind, summarise(times[kind])])) as Record<Kind, Summary>;
  const ratio = summaries.unknown_email.median / summaries.wrong_password.median;
  const within = Math.abs(1 - ratio) <= MAX_DEVIATION;
  const cell = (value: number) => value.toFixed(1).padStart(9);

  console.log(`POST /auth/token, bcrypt cost ${BCRYPT_COST}, ${samples} samples per kind, times in ms`);
  console.log(`${'kind'.padEnd(18)}${'median'.padStart(9)}${'p10'.padStart(9)}${'p90'.padStart(9)}`);
  for (const kind of KINDS) {
    const { median, p10, p90 } = summaries[kind];
    console.log(`${LABELS[kind].padEnd(18)}${cell(median)}${cell(p10)}${cell(p90)}`);
  }
  console.log(
    `median(unknown email) / median(wrong password) = ${ratio.toFixed(3)}: ` +
      `${within ? 'within' : 'OUTSIDE'} the limit |1 - ratio| <= ${MAX_DEVIATION}`,
  );
  console.log(
    JSON.stringify({
      bench: 'login-timing',
      samples,
      bcrypt_cost: BCRYPT_COST,
      unknown_email_median_ms: round2(summaries.unknown_email.median),
      wrong_password_median_ms: round2(summaries.wrong_password.median),
      correct_password_median_ms: round2(summaries.correct_password.median),
      unknown_vs_wrong_ratio: Math.round(ratio * 1000) / 1000,
      within_20_percent: within,
    }),
  );
  return within;
}

async function main(): Promise<number> {
  const samples = readSampleCount();
  const configuredUrl = process.env.DATABASE_URL;
  if (!configuredUrl) throw new Error('DATABASE_URL is not set: run through npm run bench:timing');

  const database = await createBenchDatabase(configuredUrl, 'bench');
  let service: Server | undefined;
  try {
    // The service's own settings keep throttling and the per-user token cap out of the measurement.
    service = await startService({ name: 'service', databaseUrl: database.url, bcryptCost: BCRYPT_COST, tokenCacheTtlMs: 5000 });
    return report(samples, await measure(service.baseUrl, samples)) ? 0 : 1;
  } finally {
    if (service) await stopProcess(service.process);
    await database.drop();
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
