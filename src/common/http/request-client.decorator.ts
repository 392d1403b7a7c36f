import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who sent a request, as a security event records it. */
export interface RequestClient {
  /** The client address, as Express resolves it under TRUST_PROXY. */
  ip: string;
  /** The User-Agent header, cut to 255 characters; null when none was sent. */
  userAgent: string | null;
}

const USER_AGENT_MAX_LENGTH = 255;

export function requestClientOf(request: Request): RequestClient {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? '', userAgent: userAgent ? [...userAgent].slice(0, USER_AGENT_MAX_LENGTH).join('') : null };
}

/** The request's client (address and user agent), for a handler whose service records security events. */
export const Client = createParamDecorator((_: unknown, context: ExecutionContext) =>
  requestClientOf(context.switchToHttp().getRequest<Request>()),
);
