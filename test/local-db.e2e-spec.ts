import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateDatabaseServer } from './support/private-database-server';

/** `npm run db:start` / `db:stop` on a private server of the test's own, in a temporary directory. */
describe('the local database script', () => {
  const server = privateDatabaseServer('local-db-test-');
  const { stateDir, localDb } = server;
  const pidFile = join(stateDir, 'mariadbd.pid');
  const isRunning = (pid: number) => existsSync(`/proc/${pid}`);

  afterAll(() => server.remove());

  it('starts one server when called twice at once, and prints DATABASE_URL last', async () => {
    const [first, second] = await Promise.all([localDb('start'), localDb('start')]);

    expect(first.lastLine).toMatch(/^DATABASE_URL=mysql:\/\/auth:[0-9a-f]{48}@127\.0\.0\.1:\d+\/auth$/);
    expect(second.lastLine).toBe(first.lastLine);
    expect(first.stderr + second.stderr).toMatch(/reusing the running server/);
    expect(new URL(first.lastLine.slice('DATABASE_URL='.length)).port).not.toBe('3306');
  });

  it('runs on loopback with its own data directory, never /var/lib/mysql', () => {
    const cmdline = readFileSync(`/proc/${readFileSync(pidFile, 'utf8').trim()}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain(`--datadir=${join(stateDir, 'data')}`);
    expect(cmdline).toContain('--bind-address=127.0.0.1');
    expect(cmdline.join(' ')).not.toContain('/var/lib/mysql');
  });

  it('stops the server by its PID, and starts it again with the same URL', async () => {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const { lastLine: url } = await localDb('url');

    await localDb('stop');
    expect(isRunning(pid)).toBe(false);

    const restarted = await localDb('start');
    expect(restarted.lastLine).toBe(url);
  });

  it('treats a PID file naming another process as stale, and leaves that process alone', async () => {
    await localDb('stop');
    writeFileSync(pidFile, String(process.pid));

    const started = await localDb('start');

    expect(started.lastLine).toMatch(/^DATABASE_URL=/);
    expect(isRunning(process.pid)).toBe(true);
    expect(Number(readFileSync(pidFile, 'utf8'))).not.toBe(process.pid);
  });
});
