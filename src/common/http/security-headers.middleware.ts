import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** helmet's headers on every answer, errors included: nosniff, HSTS, a deny-all CSP, no framing. */
@Injectable()
export class SecurityHeadersMiddleware implements NestMiddleware {
  private readonly handler: RequestHandler = helmet({
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });

  use(request: Request, response: Response, next: NextFunction): void {
    this.handler(request, response, next);
  }
}
