import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { scratchDatabase } from '../support/scratch-database';

const ROOT = join(__dirname, '..', '..');

/** The CLI behind `npm run migration:run`, `migration:revert` and `migration:generate`, on a database of its own. */
describe('The migrations CLI', () => {
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ url, drop } = await scratchDatabase('cli'));
  });
  afterAll(() => drop());

  async function cli(...args: string[]): Promise<{ code: number; output: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)('npx', ['ts-node', 'src/migrations.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url, TS_NODE_TRANSPILE_ONLY: 'true' },
      });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  }

  it('refuses to generate on a database with migrations pending: the new one would repeat them', async () => {
    const refused = await cli('generate', 'Anything');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('migrations are pending on this database: run `npm run migration:run` first');
  });

  it('names each migration it applies, and then that nothing is pending', async () => {
    const applied = await cli('run');
    expect(applied.code).toBe(0);
    expect(applied.output).toMatch(
      /"event":"migration.applied","migration":"CreateUsersAndAccessTokens1795603137819"[\s\S]*"event":"migration.applied","migration":"ReplicaHeartbeats1796040900000"/,
    );
    expect((await cli('run')).output).toContain('"event":"migrations.none_pending"');
  });

  it('names the migration it reverts, and applies it again', async () => {
    expect((await cli('revert')).output).toContain('"event":"migration.reverted","migration":"ReplicaHeartbeats1796040900000"');
    expect((await cli('run')).output).toContain('"event":"migration.applied","migration":"ReplicaHeartbeats1796040900000"');
  });

  it('finds nothing to generate once every migration ran (exit 1), and refuses a folder or a name it cannot use', async () => {
    const nothing = await cli('generate', 'Nothing');
    expect(nothing).toEqual({ code: 1, output: expect.stringContaining('No changes in database schema were found') as string });
    expect((await cli('generate', 'no-such-module', 'Anything')).output).toContain('src/no-such-module/ is no module folder');
    expect((await cli('generate', 'not pascal')).output).toContain('a migration’s name is PascalCase');
  });
});
