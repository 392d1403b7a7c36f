import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AUTH_CONTEXT, AuthContext, RequestWithAuth } from '../authenticated-user';

export interface CurrentUserOptions {
  /**
   * On a @Public() route: the user when the request carries a valid
   * credential, and null when it carries none (or one that is not valid).
   */
  optional?: boolean;
}

/** Which parameters of a handler ask for the authenticated user, read by the guard and the start-up check. */
export const AUTH_PARAMETERS_KEY = 'authParameters';

export interface AuthParameter {
  index: number;
  optional: boolean;
}

export function authParametersOf(handler: object): AuthParameter[] {
  return (Reflect.getMetadata(AUTH_PARAMETERS_KEY, handler) as AuthParameter[] | undefined) ?? [];
}

function authParameterDecorator<Value>(pick: (auth: AuthContext) => Value) {
  const read = createParamDecorator((options: CurrentUserOptions, context: ExecutionContext): Value | null => {
    const auth = context.switchToHttp().getRequest<RequestWithAuth>()[AUTH_CONTEXT];
    if (auth) return pick(auth);
    if (options.optional) return null;
    // The start-up check refuses this wiring (a required user on a @Public() route); never a client's doing.
    throw new Error('A required @CurrentUser()/@CurrentSession() on a route without authentication');
  });
  return (options: CurrentUserOptions = {}): ParameterDecorator =>
    (target, propertyKey, index) => {
      const handler = propertyKey === undefined ? undefined : (target as Record<string | symbol, unknown>)[propertyKey];
      if (typeof handler === 'function') {
        const parameter: AuthParameter = { index, optional: options.optional === true };
        Reflect.defineMetadata(AUTH_PARAMETERS_KEY, [...authParametersOf(handler), parameter], handler);
      }
      read(options)(target, propertyKey, index);
    };
}

/**
 * The user the request is authenticated as: `me(@CurrentUser() user: AuthenticatedUser)`.
 * On a @Public() route, `@CurrentUser({ optional: true }) user: AuthenticatedUser | null`.
 */
export const CurrentUser = authParameterDecorator((auth) => auth.user);

/** The authenticated user and the id of the token that authenticated the request. */
export const CurrentSession = authParameterDecorator((auth) => auth);
