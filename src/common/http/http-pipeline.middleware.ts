import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { BodyParserMiddleware } from './body-parser.middleware';
import { CorsMiddleware } from './cors.middleware';
import { RequestDeadlineMiddleware } from './request-deadline.middleware';
import { SecurityHeadersMiddleware } from './security-headers.middleware';

/**
 * The global middlewares of every request, in their order, as one Express
 * layer instead of four: Express's router matches and steps through each
 * layer for every request, which the profile of the guarded read showed
 * among its largest costs (the bench moved within its noise, 0.532 to 0.545
 * of the bare route: README, Performance). A stage's promise (the body
 * parser's) is handed back to Nest, whose rejections it maps like the
 * others' errors.
 */
@Injectable()
export class HttpPipelineMiddleware implements NestMiddleware {
  private readonly stages: readonly NestMiddleware[];

  constructor(headers: SecurityHeadersMiddleware, deadline: RequestDeadlineMiddleware, cors: CorsMiddleware, bodies: BodyParserMiddleware) {
    this.stages = [headers, deadline, cors, bodies];
  }

  use(request: Request, response: Response, next: NextFunction): Promise<void> | void {
    let pending: Promise<void> | undefined;
    const from =
      (index: number) =>
      (error?: unknown): void => {
        // As Express reads it: cors calls next(null) for an origin it grants nothing, which is no error.
        if (error) return next(error);
        const stage = this.stages[index];
        if (!stage) return next();
        const result: unknown = stage.use(request, response, from(index + 1));
        if (result instanceof Promise) pending = result as Promise<void>;
      };
    from(0)();
    return pending;
  }
}
