import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import {
  AccessTokensModule,
  LinksModule,
  MfaChallengeStoreModule,
  SecurityEventsModule,
  WebAuthnChallengeStoreModule,
} from './auth/internal';
import { LoggingModule } from './common/logging/logging.module';
import { ClockModule } from './common/time/clock.module';
import { AppConfigModule } from './config/config.module';
import { loadEnvironment } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { DeadRowPruner } from './database/dead-row.pruner';

/**
 * The stores whose dead rows the command deletes, and nothing that serves HTTP
 * or sends mail (the outbox's sent mail is pruned by the running service).
 */
@Module({
  imports: [
    LoggingModule,
    ClockModule,
    DatabaseModule,
    AccessTokensModule,
    LinksModule,
    MfaChallengeStoreModule,
    WebAuthnChallengeStoreModule,
    SecurityEventsModule,
  ],
})
class PruneTokensModule {}

/** `npm run tokens:prune`: the scheduled pruning, once, now; for cron jobs outside the service and for operators. */
async function pruneOnce(): Promise<void> {
  // A maintenance command prunes; schema changes are the deploy's or the service's business.
  const environment = loadEnvironment({ DATABASE_MIGRATE_ON_START: 'false' });
  const app = await NestFactory.createApplicationContext(
    { module: PruneTokensModule, imports: [AppConfigModule.forEnvironment(environment)] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  try {
    await app.get(DeadRowPruner).prune();
  } finally {
    await app.close();
  }
}

pruneOnce().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
