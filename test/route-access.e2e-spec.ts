import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from '../src/auth/decorators/public.decorator';
import { NotesModule } from './fixtures/notes/notes.module';
import { servedRoutes } from './support/served-routes';
import { createTestApp, TestApp } from './support/test-app';

/** Every handler of every controller of the application, as `METHOD /path public|token`. */
function routeAccess(t: TestApp): string[] {
  const reflector = t.app.get(Reflector);
  const scanner = t.app.get(MetadataScanner);
  return t.app
    .get(DiscoveryService)
    .getControllers()
    .flatMap(({ metatype }) => {
      if (typeof metatype !== 'function') return [];
      const prototype = metatype.prototype as Record<string, () => unknown>;
      const base = reflector.get<string>(PATH_METADATA, metatype);
      return scanner.getAllMethodNames(prototype).map((name) => {
        const handler = prototype[name];
        const path = [base, reflector.get<string>(PATH_METADATA, handler)].filter((part) => part && part !== '/').join('/');
        const method = RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler)];
        const isPublic = reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [handler, metatype]) ?? false;
        return `${method} /${path} ${isPublic ? 'public' : 'token'}`;
      });
    })
    .sort();
}

/**
 * Who can reach each route, for every controller the application has (and a
 * module of another team). A diff here changes who can reach an endpoint:
 * review it as a permission change.
 */
describe('Route access', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [NotesModule] });
  });
  afterAll(() => t.close());

  it('leaves only registration, login and its MFA step, the mailed links, health and what is marked @Public() open; everything else needs a token', () => {
    expect(routeAccess(t)).toEqual([
      'DELETE /auth/mfa token',
      'DELETE /auth/tokens token',
      'DELETE /auth/tokens/:id token',
      'DELETE /users/me token',
      'GET /auth/cookie/csrf token',
      'GET /auth/tokens token',
      'GET /health public',
      'GET /notes token',
      'GET /notes/published public',
      'GET /users/me token',
      'PATCH /users/me token',
      'POST /auth/cookie/login public',
      'POST /auth/cookie/logout token',
      'POST /auth/email-verification token',
      'POST /auth/email-verification/confirm public',
      'POST /auth/logout token',
      'POST /auth/mfa/recovery-codes token',
      'POST /auth/mfa/totp token',
      'POST /auth/mfa/totp/confirm token',
      'POST /auth/mfa/verify public',
      'POST /auth/password-reset public',
      'POST /auth/password-reset/confirm public',
      'POST /auth/register public',
      'POST /auth/token public',
      'POST /notes token',
      'POST /notes/:id/publish token',
      'POST /users/me/email/confirm public',
    ]);
  });

  it('covers every route the server serves', () => {
    const served = servedRoutes(t.app).map(({ method, path }) => `${method} ${path}`);
    expect(routeAccess(t).map((line) => line.replace(/ (public|token)$/, ''))).toEqual(served);
  });
});
