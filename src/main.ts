import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createApp } from './app.factory';
import { createAppLogger } from './app-logger';
import { validateEnvironment } from './config/environment';

async function bootstrap(): Promise<void> {
  // Variables already in the environment win over `.env`.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const environment = validateEnvironment(process.env);
  const format = environment.LOG_FORMAT ?? (environment.NODE_ENV === 'production' ? 'json' : 'text');
  const logger = createAppLogger(format, environment.LOG_LEVEL);
  const app = await createApp(logger);
  await app.listen(environment.PORT);
  logger.log({ event: 'listening', port: environment.PORT }, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
