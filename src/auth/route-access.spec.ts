import { RequestMethod } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { UsersController } from '../users/users.controller';
import { AuthController } from './auth.controller';
import { IS_PUBLIC_KEY } from './decorators/public.decorator';

/**
 * Who can reach each route. A diff here changes who can reach an endpoint:
 * review it as a permission change.
 */
describe('route access', () => {
  it('leaves only registration, login and health open; everything else needs a token', () => {
    const routes = [AuthController, UsersController, HealthController].flatMap((controller) => {
      const base = Reflect.getMetadata('path', controller) as string;
      return Object.getOwnPropertyNames(controller.prototype)
        .filter((name) => name !== 'constructor')
        .map((name) => {
          const handler = (controller.prototype as unknown as Record<string, object>)[name];
          const path = Reflect.getMetadata('path', handler) as string;
          const method = RequestMethod[Reflect.getMetadata('method', handler) as number];
          const isPublic = Reflect.getMetadata(IS_PUBLIC_KEY, handler) ?? Reflect.getMetadata(IS_PUBLIC_KEY, controller) ?? false;
          return `${method} /${[base, path].filter((part) => part && part !== '/').join('/')} ${isPublic ? 'public' : 'token'}`;
        });
    });

    expect(routes.sort()).toEqual([
      'DELETE /auth/tokens token',
      'DELETE /auth/tokens/:id token',
      'GET /auth/cookie/csrf token',
      'GET /auth/tokens token',
      'GET /health public',
      'GET /users/me token',
      'PATCH /users/me token',
      'POST /auth/cookie/login public',
      'POST /auth/cookie/logout token',
      'POST /auth/logout token',
      'POST /auth/register public',
      'POST /auth/token public',
    ]);
  });
});
