import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/**
 * TypeORM's logging, through the application's logger. Its console loggers
 * print every slow query with its parameters, which hold emails and password
 * hashes: only the statement's kind and its duration are logged here.
 */
export class DatabaseLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  logQuerySlow(durationMs: number, query: string): void {
    this.logger.warn({ event: 'database.slow_query', durationMs, statement: query.trim().split(/\s+/, 1)[0]?.toUpperCase() });
  }

  logQuery(): void {}

  // A failed query fails its caller: the exception filter or the job that ran it logs it once.
  logQueryError(): void {}

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log({ event: 'database.migration', message });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ event: 'database.warning', message: String(message) });
  }
}
