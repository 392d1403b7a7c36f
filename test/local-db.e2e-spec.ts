import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = join(__dirname, '..', 'scripts', 'local-db.sh');

/** `npm run db:start` / `db:stop` on a private server of the test's own, in a temporary directory. */
describe('the local database script', () => {
  const stateDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'local-db-test-'));
  const env = { ...process.env, LOCAL_DB_DIR: stateDir };
  const localDb = (command: string) => run('bash', [script, command], { env });
  const pidFile = join(stateDir, 'mariadbd.pid');
  const lastLine = (output: string) => output.trim().split('\n').pop();
  const isRunning = (pid: number) => existsSync(`/proc/${pid}`);

  afterAll(async () => {
    await localDb('stop');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts one server when called twice at once, and prints DATABASE_URL last', async () => {
    const [first, second] = await Promise.all([localDb('start'), localDb('start')]);

    expect(lastLine(first.stdout)).toMatch(/^DATABASE_URL=mysql:\/\/auth:[0-9a-f]{48}@127\.0\.0\.1:\d+\/auth$/);
    expect(lastLine(second.stdout)).toBe(lastLine(first.stdout));
    expect(first.stderr + second.stderr).toMatch(/reusing the running server/);
    expect(new URL(lastLine(first.stdout)!.slice('DATABASE_URL='.length)).port).not.toBe('3306');
  });

  it('runs on loopback with its own data directory, never /var/lib/mysql', () => {
    const cmdline = readFileSync(`/proc/${readFileSync(pidFile, 'utf8').trim()}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain(`--datadir=${join(stateDir, 'data')}`);
    expect(cmdline).toContain('--bind-address=127.0.0.1');
    expect(cmdline.join(' ')).not.toContain('/var/lib/mysql');
  });

  it('stops the server by its PID, and starts it again with the same URL', async () => {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const { stdout: url } = await localDb('url');

    await localDb('stop');
    expect(isRunning(pid)).toBe(false);

    const restarted = await localDb('start');
    expect(lastLine(restarted.stdout)).toBe(lastLine(url));
  });

  it('treats a PID file naming another process as stale, and leaves that process alone', async () => {
    await localDb('stop');
    writeFileSync(pidFile, String(process.pid));

    const started = await localDb('start');

    expect(lastLine(started.stdout)).toMatch(/^DATABASE_URL=/);
    expect(isRunning(process.pid)).toBe(true);
    expect(Number(readFileSync(pidFile, 'utf8'))).not.toBe(process.pid);
  });
});
