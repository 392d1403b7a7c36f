import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateBy, validateSync } from 'class-validator';
import { DURATION_PATTERN, parseDurationSeconds } from './duration';

const MIN_IDLE_SECONDS = 120;

function isIdleTimeout(value: unknown): boolean {
  if (typeof value !== 'string' || !DURATION_PATTERN.test(value)) return false;
  const seconds = parseDurationSeconds(value);
  return seconds === 0 || seconds >= MIN_IDLE_SECONDS;
}

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  return value;
};

const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * Every environment variable the service reads, with its default.
 * `.env.example` lists the same variables; a test keeps the two in step.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Matches(/^mysql:\/\/[^\s]+$/, { message: 'DATABASE_URL must be a mysql://user:password@host:port/database URL' })
  DATABASE_URL!: string;

  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_MIGRATE_ON_START = true;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(10, { message: 'BCRYPT_COST must be at least 10' })
  @Max(16)
  BCRYPT_COST = 12;

  @Matches(DURATION_PATTERN, { message: 'ACCESS_TOKEN_TTL must be a duration such as 3600, 90m, 24h or 7d' })
  ACCESS_TOKEN_TTL = '24h';

  // Uses are recorded once a minute at most, so a shorter idle timeout would end tokens in use.
  @ValidateBy({ name: 'isIdleTimeout', validator: { validate: isIdleTimeout } }, {
    message: 'ACCESS_TOKEN_IDLE_TTL must be 0 (off) or a duration of 2 minutes or more, such as 30m',
  })
  ACCESS_TOKEN_IDLE_TTL = '0';

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10000)
  MAX_TOKENS_PER_USER = 50;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(64)
  PASSWORD_HASHING_CONCURRENCY = 0;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(10000)
  PASSWORD_HASHING_QUEUE = 16;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @IsOptional()
  @IsIn(['json', 'text'])
  LOG_FORMAT?: 'json' | 'text';
}

export class InvalidEnvironmentError extends Error {}

/** Validates the raw environment, failing with one line per bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const environment = plainToInstance(Environment, present, { exposeDefaultValues: true });
  const errors = validateSync(environment, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const messages = Object.values(error.constraints ?? {});
      // Values are not echoed: DATABASE_URL carries a password.
      const state = error.value === undefined ? 'is not set' : 'is invalid';
      return `  ${error.property} ${state}: ${messages.join('; ')}`;
    });
    throw new InvalidEnvironmentError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return environment;
}
