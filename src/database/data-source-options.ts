import type { DataSourceOptions } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DataSourceSettings {
  url: string;
  poolSize: number;
  migrateOnStart: boolean;
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
  };
}
