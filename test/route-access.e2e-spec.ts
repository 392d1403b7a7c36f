import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ADDS_CREDENTIAL_KEY, CredentialRoutePolicy } from '../src/auth/decorators/adds-credential.decorator';
import { IS_PUBLIC_KEY } from '../src/auth/decorators/public.decorator';
import { REQUIRED_ROLES_KEY } from '../src/auth/decorators/roles.decorator';
import { REQUIRED_SCOPES_KEY } from '../src/auth/decorators/require-scopes.decorator';
import { NotesModule } from './fixtures/notes/notes.module';
import { servedRoutes } from './support/served-routes';
import { TestApp, useTestApp } from './support/test-app';

/**
 * Every handler of every controller of the application, as
 * `METHOD /path public|token [scopes: ...] [roles: ...] [verified email[, session only]]`.
 */
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
        const scopes = reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES_KEY, [handler, metatype]) ?? [];
        const roles = reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES_KEY, [handler, metatype]) ?? [];
        const credential = reflector.getAllAndOverride<CredentialRoutePolicy | undefined>(ADDS_CREDENTIAL_KEY, [handler, metatype]);
        const access = [
          isPublic ? 'public' : 'token',
          ...(scopes.length > 0 ? [`scopes: ${scopes.join(' ')}`] : []),
          ...(roles.length > 0 ? [`roles: ${roles.join(' ')}`] : []),
          ...(credential ? [credential.sessionTokenOnly ? 'verified email, session only' : 'verified email'] : []),
        ];
        return `${method} /${path} ${access.join(' ')}`;
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
  const t = useTestApp({ imports: [NotesModule] });

  it('leaves only registration, login (password, MFA step, passkey), the mailed links, health and what is marked @Public() open; everything else needs a token, and what adds a credential a verified email', () => {
    expect(routeAccess(t)).toEqual([
      'DELETE /admin/users/:id token scopes: admin roles: admin',
      'DELETE /admin/users/:id/tokens token scopes: admin roles: admin',
      'DELETE /auth/identities/:id token scopes: account',
      'DELETE /auth/mfa token scopes: account',
      'DELETE /auth/passkeys/:id token scopes: account',
      'DELETE /auth/tokens token scopes: account',
      'DELETE /auth/tokens/:id token scopes: account',
      'DELETE /users/me token scopes: account',
      'GET /.well-known/oauth-authorization-server public',
      'GET /admin/security-events token scopes: admin roles: admin',
      'GET /admin/users token scopes: admin roles: admin',
      'GET /admin/users/:id token scopes: admin roles: admin',
      'GET /auth/cookie/csrf token',
      'GET /auth/identities token',
      'GET /auth/passkeys token',
      'GET /auth/providers public',
      'GET /auth/providers/:id/authorize public',
      'GET /auth/providers/:id/callback public',
      'GET /auth/tokens token',
      'GET /health public',
      'GET /notes token scopes: notes:read',
      'GET /notes/all token scopes: admin notes:read roles: admin',
      'GET /notes/published public',
      'GET /users/me token',
      'GET /users/me/security-events token',
      'PATCH /admin/users/:id token scopes: admin roles: admin',
      'PATCH /users/me token scopes: account',
      'POST /auth/cookie/login public',
      'POST /auth/cookie/logout token',
      'POST /auth/cookie/passkey-login public',
      'POST /auth/email-verification token',
      'POST /auth/email-verification/confirm public',
      'POST /auth/identities token scopes: account verified email, session only',
      'POST /auth/introspect public',
      'POST /auth/logout token',
      'POST /auth/mfa/recovery-codes token scopes: account',
      'POST /auth/mfa/totp token scopes: account verified email',
      'POST /auth/mfa/totp/confirm token scopes: account verified email',
      'POST /auth/mfa/verify public',
      'POST /auth/passkeys token scopes: account verified email, session only',
      'POST /auth/passkeys/authentication public',
      'POST /auth/passkeys/authentication-options public',
      'POST /auth/passkeys/registration-options token scopes: account verified email, session only',
      'POST /auth/password-reset public',
      'POST /auth/password-reset/confirm public',
      'POST /auth/providers/token public',
      'POST /auth/register public',
      'POST /auth/revoke public',
      'POST /auth/token public',
      'POST /auth/tokens token scopes: account verified email',
      'POST /notes token scopes: notes:write',
      'POST /notes/:id/publish token scopes: notes:write',
      'POST /users/me/email/confirm public',
    ]);
  });

  it('covers every route the server serves', () => {
    const served = servedRoutes(t.app).map(({ method, path }) => `${method} ${path}`);
    expect(routeAccess(t).map((line) => line.replace(/ (public|token)( .*)?$/, ''))).toEqual(served);
  });
});
