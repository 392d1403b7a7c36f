import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import cors from 'cors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { httpConfig, HttpConfig } from '../../config/app.config';

/**
 * CORS for the origins of CORS_ORIGINS only: each gets its own origin echoed,
 * with credentials and `Vary: Origin`; any other origin (including `null`)
 * gets no CORS header at all, so the browser withholds the response.
 */
@Injectable()
export class CorsMiddleware implements NestMiddleware {
  private readonly handler: RequestHandler;

  constructor(@Inject(httpConfig.KEY) config: HttpConfig) {
    this.handler = cors({
      origin: (origin, callback) => callback(null, origin !== undefined && config.corsOrigins.has(origin)),
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-CSRF-Token'],
      exposedHeaders: ['Retry-After', 'WWW-Authenticate', 'X-CSRF-Token'],
      maxAge: 600,
    });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    // Servers, curl and same-origin GETs send no Origin: nothing to grant, nothing to do.
    if (request.headers.origin === undefined) return next();
    this.handler(request, response, next);
  }
}
