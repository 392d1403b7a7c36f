import { Inject, Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { httpConfig, HttpConfig } from '../../config/app.config';
import { errorBody } from '../errors/error-body';

const RETRY_AFTER_SECONDS = 5;

/**
 * Answers 503 SERVICE_UNAVAILABLE when a request is still unanswered after
 * REQUEST_TIMEOUT_MS, whatever it waits for: a slow query, a pool with no free
 * connection, a queue. A client is never left hanging. The work already
 * started goes on and its answer is dropped: a registration answered this
 * way may still have been made.
 */
@Injectable()
export class RequestDeadlineMiddleware implements NestMiddleware {
  private readonly logger = new Logger(RequestDeadlineMiddleware.name);
  private readonly timeoutMs: number;

  constructor(@Inject(httpConfig.KEY) config: HttpConfig) {
    this.timeoutMs = config.requestTimeoutMs;
  }

  use(request: Request, response: Response, next: NextFunction): void {
    if (this.timeoutMs === 0) return next();
    const timer = setTimeout(() => {
      if (response.headersSent) return;
      this.logger.warn({ event: 'request.timed_out', method: request.method, timeoutMs: this.timeoutMs });
      const body = errorBody('SERVICE_UNAVAILABLE');
      // The connection goes with the answer: a client trickling its body holds nothing after it.
      response.status(body.statusCode).setHeader('Retry-After', String(RETRY_AFTER_SECONDS)).setHeader('Connection', 'close').json(body);
    }, this.timeoutMs);
    response.once('close', () => clearTimeout(timer));
    next();
  }
}
