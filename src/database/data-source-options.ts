import { extname, join } from 'node:path';
import { createConnection, RowDataPacket } from 'mysql2/promise';
import type { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';
import { DatabaseLogger } from './database-logger';

/** `src/` under ts-node and Jest, `dist/` in production: the files found are those of the code that runs. */
const CODE_ROOT = join(__dirname, '..');
// Only the running code's own extension: `*.js` alone, or `dist/` would also offer its `.d.ts` files.
const CODE_EXTENSION = extname(__filename);

/** Every module's entities, by the naming convention `<thing>.entity.ts`: for the CLI, which has no Nest modules to ask. */
export const ENTITY_FILES = join(CODE_ROOT, '**', `*.entity${CODE_EXTENSION}`);

/** Every migration, found by name (`<timestamp>-<Name>.ts` in a `migrations/` folder): adding one edits no list. */
export const MIGRATION_FILES = join(CODE_ROOT, '**', 'migrations', `[0-9]*-*${CODE_EXTENSION}`);

export interface DataSourceSettings {
  url: string;
  poolSize: number;
  migrateOnStart: boolean;
  /** Per query; a query past it fails as the database being unavailable (503). Unset or 0: none. */
  queryTimeoutMs?: number;
}

/**
 * One definition of the connection, shared by the app, the CLI and the tests.
 * Entities come from the caller: the app registers each module's own with
 * `TypeOrmModule.forFeature` (autoLoadEntities), the CLI finds them by file name.
 */
export function buildDataSourceOptions(settings: DataSourceSettings): MysqlDataSourceOptions {
  return {
    type: 'mysql',
    url: settings.url,
    charset: 'utf8mb4_unicode_ci',
    // JS Dates are written and read as UTC whatever the process's TZ. Every
    // stored time comes from the application's clock, never from NOW().
    timezone: 'Z',
    migrations: [MIGRATION_FILES],
    migrationsRun: settings.migrateOnStart,
    migrationsTransactionMode: 'each',
    synchronize: false,
    poolSize: settings.poolSize,
    connectTimeout: 5000,
    extra: { enableKeepAlive: true },
    logger: new DatabaseLogger(),
    ...(settings.queryTimeoutMs ? { maxQueryExecutionTime: settings.queryTimeoutMs, enableQueryTimeout: true } : {}),
  };
}

/**
 * The data source of the CLI and of the schema tests: every entity file and
 * every migration, and TypeORM's driver for the server's own flavour. The
 * service itself always speaks `mysql`, whose SQL both run; but comparing
 * entities with the schema (migration:generate) needs to know that MariaDB
 * reports a nullable column's default as the text NULL, where MySQL reports
 * none: under `mysql`, every nullable column of a MariaDB schema would look
 * changed.
 */
export async function buildCliDataSourceOptions(settings: Pick<DataSourceSettings, 'url'>): Promise<MysqlDataSourceOptions> {
  const options = { ...buildDataSourceOptions({ url: settings.url, poolSize: 2, migrateOnStart: false }), entities: [ENTITY_FILES] };
  return (await isMariaDb(settings.url)) ? { ...options, type: 'mariadb' } : options;
}

async function isMariaDb(url: string): Promise<boolean> {
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query<Array<RowDataPacket & { version: string }>>('SELECT VERSION() AS version');
    return /mariadb/i.test(rows[0].version);
  } finally {
    await connection.end();
  }
}
