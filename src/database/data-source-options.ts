import type { DataSourceOptions } from 'typeorm';
import { DatabaseLogger } from './database-logger';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DataSourceSettings {
  url: string;
  poolSize: number;
  migrateOnStart: boolean;
  /** Per query; a query past it fails as the database being unavailable (503). Unset or 0: none. */
  queryTimeoutMs?: number;
}

/** One definition of the connection, shared by the app, the CLI and the tests. */
export function buildDataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'mysql',
    url: settings.url,
    charset: 'utf8mb4_unicode_ci',
    // JS Dates are written and read as UTC whatever the process's TZ. Every
    // stored time comes from the application's clock, never from NOW().
    timezone: 'Z',
    entities,
    migrations,
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
