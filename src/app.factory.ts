import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { httpConfig, HttpConfig } from './config/app.config';

/**
 * Settings that live on the HTTP server rather than in a module. Tests call
 * this too, so they run the production server configuration.
 */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.set('etag', false);
  // Off by default: X-Forwarded-For is whatever the client wrote, unless a proxy we trust wrote it.
  express.set('trust proxy', app.get<HttpConfig>(httpConfig.KEY).trustProxy);
  express.enableShutdownHooks();
}

export async function createApp(logger: LoggerService): Promise<NestExpressApplication> {
  // Bodies are parsed by BodyParserMiddleware inside the Nest pipeline instead.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, logger });
  configureApp(app);
  return app;
}
