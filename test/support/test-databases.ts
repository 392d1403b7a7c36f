import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, MIGRATION_FILES } from '../../src/database/data-source-options';

const ROOT = join(__dirname, '..', '..');
const STATE_FILE = join(ROOT, '.local', 'test-databases.json');

export interface TestDatabases {
  /** One database per Jest worker, so suites in parallel never share rows. */
  urls: string[];
}

/**
 * The server the tests use: TEST_DATABASE_URL, else DATABASE_URL's server, else
 * this checkout's private local server (started if needed). The tests' own
 * databases are named after the configured one plus `_test_wN`, so the data
 * `npm start` uses is never touched.
 */
export function resolveBaseUrl(): URL {
  const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (configured) return new URL(configured);
  const output = execFileSync('bash', [join(ROOT, 'scripts', 'local-db.sh'), 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = output.trim().split('\n').pop() ?? '';
  return new URL(line.replace(/^DATABASE_URL=/, ''));
}

export function workerDatabaseUrl(base: URL, worker: number): string {
  const url = new URL(base.toString());
  url.pathname = `/${url.pathname.replace(/^\//, '') || 'auth'}_test_w${worker}`;
  return url.toString();
}

/** The migrations of the modules of other teams that the tests mount (test/fixtures/). */
const FIXTURE_MIGRATION_FILES = join(ROOT, 'test', 'fixtures', '**', 'migrations', '[0-9]*-*.ts');

/** Applies every migration of the service to the database at `url`, and those of the test fixtures when asked. */
export async function migrateDatabase(url: string, { withFixtures = false } = {}): Promise<void> {
  const dataSource = new DataSource({
    ...buildDataSourceOptions({ url, poolSize: 1, migrateOnStart: false }),
    migrations: withFixtures ? [MIGRATION_FILES, FIXTURE_MIGRATION_FILES] : [MIGRATION_FILES],
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}

export function saveTestDatabases(databases: TestDatabases): void {
  mkdirSync(join(ROOT, '.local'), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(databases));
}

export function loadTestDatabases(): TestDatabases {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as TestDatabases;
}
