import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'local-db.sh');

export interface ScriptOutput {
  stdout: string;
  stderr: string;
  /** The last line of stdout, where `start` and `url` print `DATABASE_URL=...`. */
  lastLine: string;
}

/**
 * A database server of a test's own, driven by the project's script with its
 * state in a temporary directory: the test may stop and start it freely.
 */
export function privateDatabaseServer(prefix: string) {
  const stateDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));
  const localDb = async (command: 'start' | 'stop' | 'url' | 'start-replica'): Promise<ScriptOutput> => {
    const { stdout, stderr } = await run('bash', [SCRIPT, command], { env: { ...process.env, LOCAL_DB_DIR: stateDir } });
    return { stdout, stderr, lastLine: stdout.trim().split('\n').pop() ?? '' };
  };
  return {
    stateDir,
    localDb,
    /** Starts (or reuses) the server and returns its DATABASE_URL. */
    start: async () => (await localDb('start')).lastLine.replace(/^DATABASE_URL=/, ''),
    /** Starts (or reuses) a replica of it and returns its URL (the server restarts once with a binary log). */
    startReplica: async () => (await localDb('start-replica')).lastLine.replace(/^DATABASE_REPLICA_URLS=/, ''),
    signalReplica: (signal: NodeJS.Signals) =>
      process.kill(Number(readFileSync(join(stateDir, 'replica', 'mariadbd.pid'), 'utf8')), signal),
    async remove(): Promise<void> {
      await localDb('stop');
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
