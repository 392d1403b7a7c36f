import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';

/** Every answer of an auth service is personal or short-lived: no cache may keep it. */
const NO_STORE: Array<[string, string]> = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
];

/** A response that is never sent, noting each header set on it, in the case it was written. */
class HeaderRecorder extends ServerResponse {
  readonly recorded: Array<[string, string]> = [];

  override setHeader(name: string, value: number | string | readonly string[]): this {
    this.recorded.push([name, String(value)]);
    return super.setHeader(name, value);
  }
}

/** The headers a middleware sets, found by running it once. */
function headersSetBy(middleware: (request: IncomingMessage, response: ServerResponse, next: () => void) => void): Array<[string, string]> {
  const request = new IncomingMessage(new Socket());
  const response = new HeaderRecorder(request);
  middleware(request, response, () => undefined);
  return response.recorded;
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
