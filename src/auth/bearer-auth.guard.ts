import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../common/errors/domain-error';
import { AUTH_CONTEXT, RequestWithAuth } from './authenticated-user';
import { IS_PUBLIC_KEY } from './decorators/public.decorator';
import { AccessTokenService } from './tokens/access-token.service';

// RFC 6750 §2.1: the scheme is case-insensitive, one space, then a b64token.
const BEARER_CREDENTIALS = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The global guard: every route needs a bearer token unless marked @Public().
 * It only extracts the credential; the token service decides. Tokens in the
 * query string are never looked at.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<Request & RequestWithAuth>();
    const token = this.bearerTokenOf(request);
    request[AUTH_CONTEXT] = await this.tokens.authenticate(token);
    return true;
  }

  private bearerTokenOf(request: Request): string {
    const headers = this.authorizationHeaders(request);
    if (headers.length === 0) throw new DomainError('UNAUTHENTICATED');
    // Node keeps only the first of repeated Authorization headers: refuse the ambiguity instead.
    if (headers.length > 1) throw new DomainError('INVALID_TOKEN');
    const match = BEARER_CREDENTIALS.exec(headers[0]);
    if (match) return match[1];
    // Something was sent after "Bearer ": a token, if a malformed one (RFC 6750 §3.1).
    if (/^Bearer\s+\S/i.test(headers[0])) throw new DomainError('INVALID_TOKEN');
    throw new DomainError('UNAUTHENTICATED');
  }

  private authorizationHeaders(request: Request): string[] {
    const values: string[] = [];
    const raw = request.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i].length === 13 && raw[i].toLowerCase() === 'authorization') values.push(raw[i + 1]);
    }
    return values;
  }
}
