/** The figures of a run, judged against issue 17's targets, as a table, bench/results.json and one JSON line. */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { FloodResult, OpenLoopResult } from './load-protocol';
import { ROOT } from './processes';
import { median } from './stats';

/** The last stdout line, keys exactly as issues 4 and 17 name them. */
export interface Summary {
  guarded_vs_bare_cached: number;
  guarded_vs_jwt_cached: number;
  guarded_vs_recipe_cached: number;
  guarded_vs_bare_uncached: number;
  introspection_vs_guarded_read: number;
  login_vs_bcrypt: number;
  register_vs_bcrypt: number;
  overload_login_p99_ms: number;
  overload_shed_ok: boolean;
  overload_read_p99_ratio: number;
  rss_mb: number;
  revocation_lag_p99_ms: number;
  unknown_token_flood_p99_ratio: number;
  fair_login_p99_ratio: number;
  fair_login_served_share: number;
}

interface Target {
  text: string;
  met(value: number | boolean): boolean;
}

const atLeast = (limit: number): Target => ({ text: `>= ${limit}`, met: (value) => typeof value === 'number' && value >= limit });
const below = (limit: number): Target => ({ text: `< ${limit}`, met: (value) => typeof value === 'number' && value < limit });
const atMost = (limit: number): Target => ({ text: `<= ${limit}`, met: (value) => typeof value === 'number' && value <= limit });

/** Issue 17's table, in the configuration users run (production defaults, request lines on). */
const TARGETS: Record<keyof Summary, Target> = {
  guarded_vs_bare_cached: atLeast(0.75),
  guarded_vs_jwt_cached: atLeast(1.0),
  guarded_vs_recipe_cached: atLeast(3.0),
  guarded_vs_bare_uncached: atLeast(0.5),
  // A resource server's check of a token should cost what the service's own guard costs (same cache, same rules).
  introspection_vs_guarded_read: atLeast(0.8),
  login_vs_bcrypt: atLeast(0.9),
  register_vs_bcrypt: atLeast(0.9),
  overload_login_p99_ms: below(2000),
  overload_shed_ok: { text: 'true', met: (value) => value === true },
  overload_read_p99_ratio: below(3),
  rss_mb: atMost(200),
  revocation_lag_p99_ms: atMost(1000),
  unknown_token_flood_p99_ratio: atMost(2),
  // Issue 22: a client flooding the logins never sheds another's, nor makes it wait for the flood.
  fair_login_p99_ratio: atMost(3),
  fair_login_served_share: atLeast(1),
};

/** Per-round figures of one thing measured for throughput. */
export interface Series {
  label: string;
  perSecond: number[];
  p99Ms?: number[];
  /** CPU of the server process and of the load generator, in cores (1 = one core busy throughout). */
  serverCpuCores?: number[];
  generatorCpuCores?: number[];
}

export interface OverloadDetails {
  loginCapacityPerSecond: number;
  offeredLoginsPerSecond: number;
  readsPerSecond: number;
  logins: OpenLoopResult;
  idleReads: OpenLoopResult;
  loadedReads: OpenLoopResult;
  /** Measured inside the service by bench/support/threadpool-probe.js. */
  threadPool: { idleP99Ms: { file: number; dns: number }; loadedP99Ms: { file: number; dns: number } };
}

export interface RevocationDetails {
  logouts: number;
  /** How often the other instance was asked again: the resolution of the lags. */
  probeMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface FloodDetails {
  flood: FloodResult;
  idleReads: OpenLoopResult;
  floodedReads: OpenLoopResult;
}

export interface FairLoginDetails {
  /** The flood: one client (another loopback address) offering this many logins a second. */
  offeredLoginsPerSecond: number;
  flood: OpenLoopResult;
  otherAlone: OpenLoopResult;
  otherBesideFlood: OpenLoopResult;
}

export interface Details {
  mode: 'full' | 'smoke';
  settings: { readConnections: number; passwordConnections: number; [setting: string]: unknown };
  reads: Series[];
  passwords: Series[];
  overload: OverloadDetails;
  revocation: RevocationDetails;
  flood: FloodDetails;
  fairLogins: FairLoginDetails;
  /** Bytes each server wrote to its standard output during the run. */
  logBytes: Record<string, number>;
  memory: Record<string, { idleMb: number; peakUnderLoadMb: number; highWaterMarkMb: number }>;
  /** CPU something else kept busy just before the run, in cores. */
  backgroundCores: number;
  wallSeconds: number;
}

/** What the service cannot show from outside, said next to the figures rather than left out silently. */
const NOTES = [
  'login_vs_bcrypt and register_vs_bcrypt compare with bcrypt in a separate process using one operation per core, ' +
    'in rounds interleaved with the service rounds; the service also runs HTTP, validation, throttle counters and SQL on the same cores.',
];

const column = (text: string, width: number) => text.padEnd(width);
const number = (value: number, decimals = 1) => (Number.isFinite(value) ? value.toFixed(decimals) : 'n/a');

const list = (values: number[], decimals: number) => values.map((value) => number(value, decimals)).join(', ');
const optional = (values: number[] | undefined, decimals: number) => (values ? `  ·  ${list(values, decimals)}` : '');

function printSeries(title: string, series: Series[]): void {
  const measured = series[0];
  const headings = [
    'rounds (req/s)',
    ...(measured.p99Ms ? ['p99 ms'] : []),
    ...(measured.serverCpuCores ? ['server CPU (cores)'] : []),
    ...(measured.generatorCpuCores ? ['generator CPU (cores)'] : []),
  ];
  console.log(title);
  console.log(`  ${column('', 28)}${'median/s'.padStart(10)}  ${headings.join('  ·  ')}`);
  for (const { label, perSecond, p99Ms, serverCpuCores, generatorCpuCores } of series) {
    const figures = list(perSecond, 1) + optional(p99Ms, 0) + optional(serverCpuCores, 2) + optional(generatorCpuCores, 2);
    console.log(`  ${column(label, 28)}${number(median(perSecond)).padStart(10)}  ${figures}`);
  }
}

function describeOpenLoop(result: OpenLoopResult): string {
  return Object.entries(result.byStatus)
    .map(([status, s]) => `${status}: ${s.count} (p50 ${number(s.p50Ms)} ms, p99 ${number(s.p99Ms)} ms, max ${number(s.maxMs)} ms)`)
    .join('; ');
}

function printOverload(overload: OverloadDetails): void {
  console.log(
    `Overload: logins offered at ${number(overload.offeredLoginsPerSecond)}/s ` +
      `(4 x ${number(overload.loginCapacityPerSecond)}/s measured), guarded reads at ${overload.readsPerSecond}/s beside them`,
  );
  console.log(`  logins       ${describeOpenLoop(overload.logins)}`);
  console.log(`  503 without Retry-After: ${overload.logins.unavailableWithoutRetryAfter}`);
  console.log(`  reads idle   ${describeOpenLoop(overload.idleReads)}`);
  console.log(`  reads loaded ${describeOpenLoop(overload.loadedReads)}`);
  const lags = [overload.logins, overload.idleReads, overload.loadedReads].map((result) => number(result.sendLagP99Ms));
  console.log(`  generator send lag p99 (included in the latencies): logins ${lags[0]} ms, reads idle ${lags[1]} ms, loaded ${lags[2]} ms`);
  const { idleP99Ms, loadedP99Ms } = overload.threadPool;
  console.log(
    `  libuv thread pool inside the service, p99: file read ${number(idleP99Ms.file)} ms idle, ${number(loadedP99Ms.file)} ms beside the overload; ` +
      `DNS lookup ${number(idleP99Ms.dns)} ms idle, ${number(loadedP99Ms.dns)} ms beside it`,
  );
}

function printVerdicts(summary: Summary): void {
  const keys = Object.keys(TARGETS) as Array<keyof Summary>;
  // As wide as the longest key and a space, so every value lines up.
  const width = Math.max(...keys.map((key) => key.length)) + 1;
  console.log(`${column('figure', width)}${'value'.padStart(10)}  ${column('target', 10)}verdict`);
  for (const key of keys) {
    const value = summary[key];
    const target = TARGETS[key];
    console.log(`${column(key, width)}${String(value).padStart(10)}  ${column(target.text, 10)}${target.met(value) ? 'met' : 'MISSED'}`);
  }
}

function machine(): object {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model ?? 'unknown',
    cpuCount: processors.length,
    availableParallelism: availableParallelism(),
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

/** The table on stdout, bench/results.json, and last the summary as one JSON line. */
export function report(summary: Summary, details: Details): void {
  printSeries(
    `Guarded reads and introspection, ${details.settings.readConnections} connections ` +
      '(GET /users/me and POST /auth/introspect with rotating tokens vs the baseline app)',
    details.reads,
  );
  printSeries(
    `Password work, ${details.settings.passwordConnections} connections (service vs raw bcrypt at the same cost, one op per core)`,
    details.passwords,
  );
  printOverload(details.overload);
  const { revocation, flood } = details;
  console.log(
    `Revocation on another instance: ${revocation.logouts} logouts, the other instance refused the token after ` +
      `p50 ${revocation.p50Ms} ms, p99 ${revocation.p99Ms} ms, max ${revocation.maxMs} ms (asked every ${revocation.probeMs} ms)`,
  );
  console.log(
    `Unknown-token flood: ${flood.flood.sent} requests (${number(flood.flood.perSecond, 0)}/s) ${JSON.stringify(flood.flood.byStatus)}`,
  );
  console.log(`  real users' reads alone         ${describeOpenLoop(flood.idleReads)}`);
  console.log(`  real users' reads beside it     ${describeOpenLoop(flood.floodedReads)}`);
  const { fairLogins } = details;
  console.log(`Login flood from one client at ${number(fairLogins.offeredLoginsPerSecond)}/s: ${describeOpenLoop(fairLogins.flood)}`);
  console.log(`  another client's logins alone       ${describeOpenLoop(fairLogins.otherAlone)}`);
  console.log(`  another client's logins beside it   ${describeOpenLoop(fairLogins.otherBesideFlood)}`);
  console.log(`Standard output written (request lines on): ${JSON.stringify(details.logBytes)}`);
  for (const [name, memory] of Object.entries(details.memory)) {
    console.log(
      `RSS ${name}: ${number(memory.idleMb)} MB idle, peak ${number(memory.peakUnderLoadMb)} MB under its read rounds, ` +
        `high-water mark ${number(memory.highWaterMarkMb)} MB`,
    );
  }
  console.log(
    `Wall time ${number(details.wallSeconds, 0)} s (${details.mode} mode); ` +
      `${number(details.backgroundCores, 2)} cores were busy with something else before the run started`,
  );
  for (const note of NOTES) console.log(`Note: ${note}`);
  printVerdicts(summary);

  const targets = Object.fromEntries(Object.entries(TARGETS).map(([key, target]) => [key, target.text]));
  const verdicts = Object.fromEntries(Object.entries(TARGETS).map(([key, target]) => [key, target.met(summary[key as keyof Summary])]));
  const results = { date: new Date().toISOString(), machine: machine(), summary, targets, verdicts, ...details, notes: NOTES };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(summary));
}
