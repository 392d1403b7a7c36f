import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from 'nestjs-pino';
import { createApp } from './app.factory';
import { validateEnvironment } from './config/environment';
import { closeGracefullyOnSignals } from './graceful-shutdown';

async function bootstrap(): Promise<void> {
  // Variables already in the environment win over `.env`.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const environment = validateEnvironment(process.env);
  const app = await createApp();
  const logger = app.get(Logger);
  closeGracefullyOnSignals(app, logger);
  await app.listen(environment.PORT);
  logger.log({ event: 'listening', port: environment.PORT }, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
