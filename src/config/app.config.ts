import { ConfigType, registerAs } from '@nestjs/config';
import { parseDurationSeconds } from './duration';
import { randomBytes } from 'node:crypto';
import { listItems, validateEnvironment } from './environment';

export const databaseConfig = registerAs('database', () => {
  const env = validateEnvironment(process.env);
  return {
    url: env.DATABASE_URL,
    migrateOnStart: env.DATABASE_MIGRATE_ON_START,
    poolSize: env.DATABASE_POOL_SIZE,
    queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
  };
});

export const authConfig = registerAs('auth', () => {
  const env = validateEnvironment(process.env);
  return {
    bcryptCost: env.BCRYPT_COST,
    accessTokenTtlSeconds: parseDurationSeconds(env.ACCESS_TOKEN_TTL),
    accessTokenIdleTtlSeconds: parseDurationSeconds(env.ACCESS_TOKEN_IDLE_TTL),
    maxTokensPerUser: env.MAX_TOKENS_PER_USER,
    tokenCacheTtlMs: env.TOKEN_CACHE_TTL_MS,
    tokenCacheMaxEntries: env.TOKEN_CACHE_MAX_ENTRIES,
    passwordHashingConcurrency: env.PASSWORD_HASHING_CONCURRENCY,
    passwordHashingQueue: env.PASSWORD_HASHING_QUEUE,
    passwordHashingMaxWaitMs: env.PASSWORD_HASHING_MAX_WAIT_MS,
  };
});

export const httpConfig = registerAs('http', () => {
  const env = validateEnvironment(process.env);
  const trustProxy = env.TRUST_PROXY.trim();
  return {
    corsOrigins: new Set(listItems(env.CORS_ORIGINS)) as ReadonlySet<string>,
    trustProxy: trustProxy === 'false' ? false : /^\d+$/.test(trustProxy) ? Number(trustProxy) : listItems(trustProxy),
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
  };
});

export const sessionConfig = registerAs('session', () => {
  const env = validateEnvironment(process.env);
  return {
    secureCookies: env.SESSION_COOKIE_SECURE,
    csrfSecret: env.CSRF_SECRET === '' ? randomBytes(32) : Buffer.from(env.CSRF_SECRET, 'utf8'),
  };
});

export const throttlingConfig = registerAs('throttling', () => {
  const env = validateEnvironment(process.env);
  return {
    loginFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginFailuresPerClient: env.LOGIN_MAX_FAILURES_PER_CLIENT,
    loginFailureWindowSeconds: parseDurationSeconds(env.LOGIN_FAILURE_WINDOW),
    registrationsPerClient: env.REGISTRATIONS_PER_CLIENT,
    registrationWindowSeconds: parseDurationSeconds(env.REGISTRATION_WINDOW),
  };
});

/** LOG_LEVEL keeps Nest's level names; pino calls `log` info and `verbose` trace. */
const PINO_LEVELS = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

export const loggingConfig = registerAs('logging', () => {
  const env = validateEnvironment(process.env);
  return {
    level: PINO_LEVELS[env.LOG_LEVEL],
    format: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'text'),
  };
});

export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
export type HttpConfig = ConfigType<typeof httpConfig>;
export type SessionConfig = ConfigType<typeof sessionConfig>;
export type ThrottlingConfig = ConfigType<typeof throttlingConfig>;
export type LoggingConfig = ConfigType<typeof loggingConfig>;
