import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createApp } from './app.factory';
import { loadEnvironment } from './config/environment';
import { closeGracefullyOnSignals } from './graceful-shutdown';

async function bootstrap(): Promise<void> {
  const environment = loadEnvironment();
  const app = await createApp(environment);
  const logger = app.get(Logger);
  closeGracefullyOnSignals(app, logger);
  await app.listen(environment.PORT);
  logger.log({ event: 'listening', port: environment.PORT }, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
