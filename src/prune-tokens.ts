import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ExpiredTokenPruner } from './auth/tokens/expired-token-pruner';
import { validateEnvironment } from './config/environment';

/** `npm run tokens:prune`: the scheduled pruning, once, now; for cron jobs outside the service and for operators. */
async function pruneOnce(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // A maintenance command prunes; schema changes are the deploy's or the service's business.
  process.env.DATABASE_MIGRATE_ON_START ??= 'false';
  validateEnvironment(process.env);
  const app = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  try {
    await app.get(ExpiredTokenPruner).prune();
  } finally {
    await app.close();
  }
}

pruneOnce().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
