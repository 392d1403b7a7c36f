/**
 * Issue 27's benchmark: what a read replica takes off the primary.
 *
 *   npm run bench:replicas                 about three minutes on two cores
 *   BENCH_SMOKE=1 npm run bench:replicas   proves it runs; its figures mean little
 *
 * A primary and its replica of the bench's own (scripts/local-db.sh
 * start-replica in a temporary directory: DATABASE_URL's server may be a
 * managed one that no script can replicate), one database seeded with users
 * and live tokens, and two instances of the production build with the token
 * cache off, so that every guarded read looks its token up: one with
 * DATABASE_REPLICA_URLS, one on the primary alone. Rounds of guarded reads
 * alternate between them; around each, the statements each server counted.
 *
 * Keys: `replica_read_share` (of the SELECTs both servers ran during the
 * replica instance's rounds, the replica's share), `primary_queries_per_read`
 * (statements the primary ran per guarded read, with and without the
 * replica), and the throughput and p99 of both. On one machine both servers
 * share its cores, so the throughputs say what the routing costs, not what a
 * replica on its own machine adds. Prints a table, writes
 * bench/replicas-results.json and ends stdout with one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { createBenchDatabase, seed } from './support/database';
import { LoadCommand, LoadResult } from './support/load-protocol';
import { closedLoop, LoadWorker } from './support/load-calls';
import { interruption, killAllNow, log, ROOT, Server, startService, stopAll } from './support/processes';
import { median, roundTo } from './support/stats';
import { forkWorker } from './support/worker-rpc';

const BCRYPT_COST = 10;
const READ_CONNECTIONS = 50;

const FULL = { users: 2000, rounds: 5, readSeconds: 8, warmupSeconds: 3 };
const SMOKE = { users: 100, rounds: 1, readSeconds: 2, warmupSeconds: 1 };

interface Counters {
  questions: number;
  selects: number;
}

async function counters(url: string): Promise<Counters> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query<Array<mysql.RowDataPacket & { Variable_name: string; Value: string }>>(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_select')",
    );
    const value = (name: string) => Number(rows.find((row) => row.Variable_name === name)?.Value ?? NaN);
    return { questions: value('Questions'), selects: value('Com_select') };
  } finally {
    await connection.end();
  }
}

function localDb(stateDir: string, command: 'start-replica' | 'url' | 'stop'): string {
  const output = execFileSync('bash', [join(ROOT, 'scripts', 'local-db.sh'), command], {
    encoding: 'utf8',
    env: { ...process.env, LOCAL_DB_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return output.trim().split('\n').pop() ?? '';
}

function inDatabase(serverUrl: string, databaseUrl: string): string {
  const url = new URL(serverUrl);
  url.pathname = new URL(databaseUrl).pathname;
  return url.toString();
}

async function health(server: Server): Promise<{ replicas?: Array<{ status: string }> }> {
  return (await (await fetch(`${server.baseUrl}/health`, { signal: interruption.signal })).json()) as {
    replicas?: Array<{ status: string }>;
  };
}

interface Side {
  label: string;
  server: Server;
  perSecond: number[];
  p99Ms: number[];
  primaryQueriesPerRead: number[];
  replicaShare: number[];
}

async function main(): Promise<void> {
  const settings = process.env.BENCH_SMOKE === '1' ? SMOKE : FULL;
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-replicas-'));
  const logDir = mkdtempSync(join(tmpdir(), 'bench-replicas-logs-'));
  const load: LoadWorker = forkWorker<LoadCommand, LoadResult>(`${__dirname}/support/load-worker.ts`);
  try {
    log(`${process.env.BENCH_SMOKE === '1' ? 'smoke' : 'full'} run: starting a primary and its replica`);
    const replicaServer = localDb(stateDir, 'start-replica').replace(/^DATABASE_REPLICA_URLS=/, '');
    const primaryServer = localDb(stateDir, 'url').replace(/^DATABASE_URL=/, '');
    const database = await createBenchDatabase(primaryServer, 'replicas');
    const replicaUrl = inDatabase(replicaServer, database.url);
    const service = (label: string, env: Record<string, string>) =>
      startService({
        name: label,
        databaseUrl: database.url,
        bcryptCost: BCRYPT_COST,
        tokenCacheTtlMs: 0,
        logFile: join(logDir, `${label.replace(/\W+/g, '-')}.log`),
        env,
      });
    // The first runs the migrations; the seed needs its tables.
    const alone = await service('primary alone', {});
    log(`seeding ${settings.users} users and tokens`);
    const [seeded, withReplica] = await Promise.all([
      seed(database.url, { users: settings.users, tokens: settings.users }, 'replica bench passphrase', BCRYPT_COST),
      service('with a replica', { DATABASE_REPLICA_URLS: replicaUrl }),
      load.ready,
    ]);
    for (let waited = 0; (await health(withReplica)).replicas?.[0]?.status !== 'up'; waited += 250) {
      if (waited > 30_000) throw new Error('the replica never came up');
      await sleep(250);
    }
    const plan = { kind: 'bearer' as const, path: '/users/me', tokens: seeded.tokens.map(({ token }) => token) };
    const sides: Side[] = [
      { label: 'with a replica', server: withReplica, perSecond: [], p99Ms: [], primaryQueriesPerRead: [], replicaShare: [] },
      { label: 'primary alone', server: alone, perSecond: [], p99Ms: [], primaryQueriesPerRead: [], replicaShare: [] },
    ];
    const read = (side: Side, seconds: number) =>
      closedLoop(load, { baseUrl: side.server.baseUrl, plan, connections: READ_CONNECTIONS, seconds }, side.label);
    for (const side of sides) await read(side, settings.warmupSeconds);
    for (let round = 0; round < settings.rounds; round++) {
      for (const side of sides) {
        const [primaryBefore, replicaBefore] = await Promise.all([counters(database.url), counters(replicaUrl)]);
        const result = await read(side, settings.readSeconds);
        const [primaryAfter, replicaAfter] = await Promise.all([counters(database.url), counters(replicaUrl)]);
        const reads = result.succeeded;
        const replicaSelects = replicaAfter.selects - replicaBefore.selects;
        const primarySelects = primaryAfter.selects - primaryBefore.selects;
        side.perSecond.push(result.perSecond);
        side.p99Ms.push(result.p99Ms);
        side.primaryQueriesPerRead.push((primaryAfter.questions - primaryBefore.questions) / reads);
        side.replicaShare.push(replicaSelects / (replicaSelects + primarySelects));
        log(
          `  round ${round + 1}: ${side.label} ${result.perSecond.toFixed(0)} req/s, p99 ${result.p99Ms} ms, ` +
            `primary ${((primaryAfter.questions - primaryBefore.questions) / reads).toFixed(2)} statements a read, ` +
            `replica ${replicaSelects} SELECTs`,
        );
      }
    }
    const [replica, primaryAlone] = sides;
    const summary = {
      mode: process.env.BENCH_SMOKE === '1' ? 'smoke' : 'full',
      rounds: settings.rounds,
      replica_read_share: roundTo(median(replica.replicaShare), 3),
      primary_queries_per_read: {
        with_replica: roundTo(median(replica.primaryQueriesPerRead), 3),
        primary_alone: roundTo(median(primaryAlone.primaryQueriesPerRead), 3),
      },
      reads_per_second: { with_replica: roundTo(median(replica.perSecond), 0), primary_alone: roundTo(median(primaryAlone.perSecond), 0) },
      reads_per_second_ratio: roundTo(median(replica.perSecond) / median(primaryAlone.perSecond), 2),
      p99_ms: { with_replica: median(replica.p99Ms), primary_alone: median(primaryAlone.p99Ms) },
    };
    console.log('');
    console.log('| uncached guarded read | reads/s | p99 ms | primary statements a read | replica share of SELECTs |');
    console.log('|---|---|---|---|---|');
    for (const side of sides) {
      console.log(
        `| ${side.label} | ${roundTo(median(side.perSecond), 0)} | ${median(side.p99Ms)} | ` +
          `${roundTo(median(side.primaryQueriesPerRead), 3)} | ${roundTo(median(side.replicaShare), 3)} |`,
      );
    }
    writeFileSync(join(ROOT, 'bench', 'replicas-results.json'), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(JSON.stringify(summary));
    await database.drop();
  } finally {
    await stopAll();
    localDb(stateDir, 'stop');
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    killAllNow();
    process.exit(1);
  },
);
