import { Transform } from 'class-transformer';
import { IsBoolean, Matches } from 'class-validator';
import { IsIntegerSetting, toBoolean } from './setting-rules';

/** The database connection (the database namespace). */
export class DatabaseSettings {
  @Matches(/^mysql:\/\/[^\s]+$/, { message: 'DATABASE_URL must be a mysql://user:password@host:port/database URL' })
  DATABASE_URL!: string;

  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_MIGRATE_ON_START = true;

  @IsIntegerSetting(1, 1000)
  DATABASE_POOL_SIZE = 10;

  // Bounds each query, so that a stalled database gives 503s instead of requests that hang.
  @IsIntegerSetting(0, 600_000)
  DATABASE_QUERY_TIMEOUT_MS = 5000;
}
