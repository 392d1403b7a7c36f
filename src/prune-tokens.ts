import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ExpiredTokenPruner } from './auth/tokens/expired-token-pruner';
import { loadEnvironment } from './config/environment';

/** `npm run tokens:prune`: the scheduled pruning, once, now; for cron jobs outside the service and for operators. */
async function pruneOnce(): Promise<void> {
  // A maintenance command prunes; schema changes are the deploy's or the service's business.
  loadEnvironment({ DATABASE_MIGRATE_ON_START: 'false' });
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
