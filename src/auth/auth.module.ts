import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AccessTokenGuard } from './access-token.guard';
import { CsrfTokens } from './cookies/csrf-tokens';
import { AccountDirectoryModule } from './directory/account-directory.module';
import { SessionCookies } from './cookies/session-cookies';
import { TrustedOriginGuard } from './cookies/trusted-origin.guard';
import { IdentityProvidersCoreModule } from './identity-providers/identity-providers-core.module';
import { LinksModule } from './links/links.module';
import { MfaCoreModule } from './mfa/mfa-core.module';
import { OAuthCoreModule } from './oauth/oauth-core.module';
import { PasskeysCoreModule } from './passkeys/passkeys-core.module';
import { PasswordsModule } from './passwords/passwords.module';
import { PublicRoutesCheck } from './public-routes.check';
import { AccountStandingModule } from './account-standing/account-standing.module';
import { ScopeRegistry } from './scopes/scope-registry';
import { SecurityEventsModule } from './security-events/security-events.module';
import { ThrottlingModule } from './throttling/throttling.module';
import { AccessTokensModule } from './tokens/access-tokens.module';

/**
 * The shared authentication layer: the global guard (every route needs an
 * access token unless @Public()), and the pieces the account features build
 * on: access tokens, password hashing and changes, attempt throttling, mailed
 * links, the second factor, passkeys, session cookies.
 */
@Module({
  imports: [
    DiscoveryModule,
    AccountDirectoryModule,
    PasswordsModule,
    AccessTokensModule,
    OAuthCoreModule,
    ThrottlingModule,
    LinksModule,
    MfaCoreModule,
    PasskeysCoreModule,
    IdentityProvidersCoreModule,
    AccountStandingModule,
    SecurityEventsModule,
  ],
  providers: [
    CsrfTokens,
    SessionCookies,
    TrustedOriginGuard,
    PublicRoutesCheck,
    ScopeRegistry,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [
    PasswordsModule,
    AccessTokensModule,
    OAuthCoreModule,
    ThrottlingModule,
    LinksModule,
    MfaCoreModule,
    PasskeysCoreModule,
    IdentityProvidersCoreModule,
    AccountStandingModule,
    SecurityEventsModule,
    SessionCookies,
    TrustedOriginGuard,
    ScopeRegistry,
  ],
})
export class AuthModule {}
