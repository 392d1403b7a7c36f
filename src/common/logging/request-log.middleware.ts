import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestContext } from './request-context';
import { assignRequestId } from './request-id';
import { ROOT_LOGGER } from './root-logger.module';

/**
 * One line per request, written when the response closes: request id,
 * method, route template, path, status and duration. Fields are picked one by
 * one, so no header or body can end up in the log. Cheaper than pino-http's
 * middleware, which builds a child logger for every request: on the hot path
 * that cost more than the guard itself.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const requestId = assignRequestId(request, response);
    const startedAt = performance.now();
    response.once('close', () => {
      const status = response.statusCode;
      const level = status >= 500 ? 'error' : 'info';
      if (!this.logger.isLevelEnabled(level)) return;
      this.logger[level](
        {
          requestId,
          method: request.method,
          route: routeTemplate(request),
          path: request.originalUrl.split('?', 1)[0],
          status,
          durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        },
        response.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    requestContext.run({ requestId }, next);
  }
}

/**
 * The matched route's template (/auth/tokens/:id), so that lines group by
 * route; null when no controller route matched. Nest mounts middleware as
 * wildcard routes, which Express leaves in `req.route` when nothing else matched.
 */
function routeTemplate(request: Request): string | null {
  const path = request.route?.path as string | undefined;
  return path === undefined || path.includes('*') ? null : path;
}
