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

  // Failed queries reach the exception filter, which logs them once, with the request id.
  logQueryError(): void {}

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log({ event: 'database.migration', message });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ event: 'database.warning', message: String(message) });
  }
}
