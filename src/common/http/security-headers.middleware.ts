import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Every answer of an auth service is personal or short-lived: no cache may keep it. */
const NO_STORE: Array<[string, string]> = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
];

/** The headers a middleware sets, found by running it once against a response that only records. */
function headersSetBy(middleware: RequestHandler): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  middleware({ headers: {} } as Request, recorder as unknown as Response, () => undefined);
  return headers;
}

/**
 * helmet's headers (nosniff, HSTS, a deny-all CSP, no framing) and no-store
 * on every answer, errors included. helmet's are the same for every request,
 * so they are worked out once at start-up and only copied onto each response.
 */
@Injectable()
export class SecurityHeadersMiddleware implements NestMiddleware {
  private readonly headers = [
    ...headersSetBy(
      helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }),
    ),
    ...NO_STORE,
  ];

  use(_request: Request, response: Response, next: NextFunction): void {
    for (const [name, value] of this.headers) response.setHeader(name, value);
    next();
  }
}
