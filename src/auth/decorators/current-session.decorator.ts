import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AUTH_CONTEXT, AuthContext, RequestWithAuth } from '../authenticated-user';

export function authContextOf(context: ExecutionContext): AuthContext {
  const auth = context.switchToHttp().getRequest<RequestWithAuth>()[AUTH_CONTEXT];
  if (!auth) {
    // Only reachable on a @Public() route: a wiring mistake, not a client error.
    throw new Error('@CurrentUser()/@CurrentSession() used on a route without authentication');
  }
  return auth;
}

/** The authenticated user and the id of the token that authenticated the request. */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => authContextOf(context));
