import 'reflect-metadata';
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { createApp } from './app.factory';
import { validateEnvironment } from './config/environment';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

async function bootstrap(): Promise<void> {
  // Variables already in the environment win over `.env`.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const environment = validateEnvironment(process.env);
  const format = environment.LOG_FORMAT ?? (environment.NODE_ENV === 'production' ? 'json' : 'text');
  const logger = new ConsoleLogger({
    json: format === 'json',
    logLevels: LEVELS.slice(0, LEVELS.indexOf(environment.LOG_LEVEL) + 1),
  });
  const app = await createApp(logger);
  await app.listen(environment.PORT);
  logger.log({ event: 'listening', port: environment.PORT }, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
