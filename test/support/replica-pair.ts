import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { migrateDatabase } from './test-databases';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'local-db.sh');
/** The pair's own state: its servers are stopped, killed and frozen by the tests, never the suites' shared server. */
const PAIR_DIR = join(ROOT, '.local', 'replica-pair');

/** A real MariaDB primary and its replica (GTID replication), started by scripts/local-db.sh start-replica. */
export interface ReplicaPair {
  /** The test database on the primary, and the same on the replica. */
  primaryUrl: string;
  replicaUrl: string;
  /** Runs SQL on the primary or the replica, over a connection of its own. */
  onPrimary<Row>(sql: string): Promise<Row[]>;
  onReplica<Row>(sql: string): Promise<Row[]>;
  /** The replica's count of SELECT statements (`Com_select`). */
  replicaSelects(): Promise<number>;
  /** Waits until the replica has applied everything the primary committed. */
  caughtUp(): Promise<void>;
  /** SIGKILL, SIGSTOP and SIGCONT to the replica's server; start() restarts it after a kill. */
  signalReplica(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
  startReplica(): void;
  signalPrimary(signal: 'SIGKILL'): void;
  startPrimary(): void;
  stop(): void;
}

/** scripts/local-db.sh on the pair's directory; `start-replica` as the README runs it, through `npm run db:replica`. */
function script(command: string): string {
  const [file, args] = command === 'start-replica' ? ['npm', ['run', '--silent', 'db:replica']] : ['bash', [SCRIPT, command]];
  const output = execFileSync(file, args, {
    encoding: 'utf8',
    env: { ...process.env, LOCAL_DB_DIR: PAIR_DIR },
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  return output.trim().split('\n').pop() ?? '';
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function query<Row>(url: string, sql: string): Promise<Row[]> {
  const connection = await createConnection({ uri: url, timezone: 'Z', connectTimeout: 2000 });
  try {
    const [rows] = await connection.query(sql);
    return rows as Row[];
  } finally {
    await connection.end();
  }
}

/** Starts the pair (or reuses it), and makes `database` afresh on the primary, migrated; the replica follows. */
export async function startReplicaPair(database: string): Promise<ReplicaPair> {
  const replicaServer = script('start-replica').replace(/^DATABASE_REPLICA_URLS=/, '');
  const primaryServer = script('url').replace(/^DATABASE_URL=/, '');
  await query(primaryServer, `DROP DATABASE IF EXISTS \`${database}\``);
  await query(primaryServer, `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const primaryUrl = withDatabase(primaryServer, database);
  const replicaUrl = withDatabase(replicaServer, database);
  await migrateDatabase(primaryUrl);
  const pidOf = (file: string) => Number(readFileSync(join(PAIR_DIR, file), 'utf8').trim());

  const pair: ReplicaPair = {
    primaryUrl,
    replicaUrl,
    onPrimary: (sql) => query(primaryUrl, sql),
    onReplica: (sql) => query(replicaUrl, sql),
    replicaSelects: async () => {
      const [row] = await query<{ Value: string }>(replicaUrl, "SHOW GLOBAL STATUS LIKE 'Com_select'");
      return Number(row.Value);
    },
    caughtUp: async () => {
      const [{ position }] = await query<{ position: string }>(primaryUrl, 'SELECT @@gtid_binlog_pos AS position');
      await query(replicaUrl, `SELECT MASTER_GTID_WAIT('${position}', 30)`);
    },
    signalReplica: (signal) => process.kill(pidOf('replica/mariadbd.pid'), signal),
    startReplica: () => void script('start-replica'),
    signalPrimary: (signal) => process.kill(pidOf('mariadbd.pid'), signal),
    startPrimary: () => void script('start-replica'),
    stop: () => void script('stop'),
  };
  await pair.caughtUp();
  return pair;
}
