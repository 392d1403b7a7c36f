import { INestApplication, Injectable, OnModuleInit } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { buildOpenApiDocument } from './openapi-document';

export const DOCS_PATH = 'docs';

/** Swagger UI's page loads its own scripts and styles and inlines a few styles; nothing else. */
const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function allowSwaggerUi(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
  next();
}

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json. configureApp
 * hands the application over; the routes are added during init, after Nest
 * has registered its middleware and before its not-found handler, so that the
 * docs get the same security headers and request logs as every other answer.
 * Both orders that would lose the docs without a word fail loudly instead.
 */
@Injectable()
export class ApiDocs implements OnModuleInit {
  private app?: INestApplication;
  private initialised = false;

  publishOn(app: INestApplication): void {
    if (this.initialised) throw new Error('ApiDocs.publishOn must run before app.init(): the docs are mounted during init');
    this.app = app;
  }

  onModuleInit(): void {
    this.initialised = true;
    const app = this.app;
    if (!app) throw new Error('The API docs were not published: call configureApp(app) before app.init()');
    app.getHttpAdapter().use(`/${DOCS_PATH}`, allowSwaggerUi);
    SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
      jsonDocumentUrl: `${DOCS_PATH}-json`,
      raw: ['json'],
      customSiteTitle: 'Auth service API',
    });
  }
}
