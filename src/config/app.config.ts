import { ConfigType, registerAs } from '@nestjs/config';
import { parseDurationSeconds } from './duration';
import { validateEnvironment } from './environment';

export const databaseConfig = registerAs('database', () => {
  const env = validateEnvironment(process.env);
  return {
    url: env.DATABASE_URL,
    migrateOnStart: env.DATABASE_MIGRATE_ON_START,
    poolSize: env.DATABASE_POOL_SIZE,
  };
});

export const authConfig = registerAs('auth', () => {
  const env = validateEnvironment(process.env);
  return {
    bcryptCost: env.BCRYPT_COST,
    accessTokenTtlSeconds: parseDurationSeconds(env.ACCESS_TOKEN_TTL),
    accessTokenIdleTtlSeconds: parseDurationSeconds(env.ACCESS_TOKEN_IDLE_TTL),
    maxTokensPerUser: env.MAX_TOKENS_PER_USER,
    passwordHashingConcurrency: env.PASSWORD_HASHING_CONCURRENCY,
    passwordHashingQueue: env.PASSWORD_HASHING_QUEUE,
  };
});

export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
