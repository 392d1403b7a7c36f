import { Transform } from 'class-transformer';
import { IsBoolean, Matches, ValidateBy } from 'class-validator';
import { DURATION_PATTERN, parseDurationSeconds } from '../duration';
import { IsIntegerSetting, listItems, toBoolean } from './setting-rules';

const MYSQL_URL = /^mysql:\/\/[^\s,]+$/;

/** The database connection (the database namespace). */
export class DatabaseSettings {
  @Matches(MYSQL_URL, { message: 'DATABASE_URL must be a mysql://user:password@host:port/database URL' })
  DATABASE_URL!: string;

  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_MIGRATE_ON_START = true;

  @IsIntegerSetting(1, 1000)
  DATABASE_POOL_SIZE = 10;

  // Bounds each query, so that a stalled database gives 503s instead of requests that hang.
  @IsIntegerSetting(0, 600_000)
  DATABASE_QUERY_TIMEOUT_MS = 5000;

  // Replicas of DATABASE_URL's server, for the reads that may lag (token lookups, admin lists, security events).
  @ValidateBy(
    {
      name: 'isReplicaUrlList',
      validator: { validate: (value) => typeof value === 'string' && listItems(value).every((url) => MYSQL_URL.test(url)) },
    },
    { message: 'DATABASE_REPLICA_URLS must be comma-separated mysql://user:password@host:port/database URLs' },
  )
  DATABASE_REPLICA_URLS = '';

  // A replica further behind the primary than this is left out until it catches up.
  @ValidateBy(
    {
      name: 'isReplicaMaxLag',
      validator: { validate: (value) => typeof value === 'string' && DURATION_PATTERN.test(value) && parseDurationSeconds(value) >= 1 },
    },
    { message: 'DATABASE_REPLICA_MAX_LAG must be a duration of 1s or more, such as 2s' },
  )
  DATABASE_REPLICA_MAX_LAG = '2s';
}
