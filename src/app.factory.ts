import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { Server } from 'node:http';
import { boundSlowClients } from './common/http/slow-clients';
import { httpConfig, HttpConfig } from './config/app.config';
import type { Environment } from './config/environment';
import { ApiDocs } from './docs/api-docs';

/**
 * Settings that live on the HTTP server rather than in a module. Tests call
 * this too, so they run the production server configuration.
 */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.set('etag', false);
  // Off by default: X-Forwarded-For is whatever the client wrote, unless a proxy we trust wrote it.
  const http = app.get<HttpConfig>(httpConfig.KEY);
  express.set('trust proxy', http.trustProxy);
  boundSlowClients(app.getHttpServer() as Server, http);
  app.get(ApiDocs).publishOn(app);
}

export async function createApp(environment: Environment): Promise<NestExpressApplication> {
  // Bodies are parsed by BodyParserMiddleware inside the Nest pipeline instead.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.withEnvironment(environment), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureApp(app);
  return app;
}
