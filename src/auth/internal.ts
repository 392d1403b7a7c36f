/**
 * What this service's own features and entry points use of the authentication
 * layer, beyond the public surface of index.ts: its modules and services. Another
 * team's module imports index.ts only (`npm run lint` holds both doors).
 */
export * from './index';
export { AccountStandingModule } from './account-standing/account-standing.module';
export { AccountStandingService, type StandingChanges } from './account-standing/account-standing.service';
export { AuthModule } from './auth.module';
export { CSRF_HEADER, SessionCookies } from './cookies/session-cookies';
export { TrustedOriginGuard } from './cookies/trusted-origin.guard';
export { ADDS_CREDENTIAL_OPERATION, type CredentialRoutePolicy } from './decorators/adds-credential.decorator';
export { PUBLIC_OPERATION } from './decorators/public.decorator';
export { SCOPES_OPERATION } from './decorators/require-scopes.decorator';
export { ROLES_OPERATION } from './decorators/roles.decorator';
export { IdentitiesService } from './identity-providers/identities.service';
export { type Identity } from './identity-providers/identity.entity';
export { IdentityProviderClients, ProviderFailure, type ProviderIdentity } from './identity-providers/identity-provider-clients';
export { FlowRefusal, type FlowErrorCode, ProviderAccounts } from './identity-providers/provider-accounts';
export { type ProviderFlowMode } from './identity-providers/provider-flow.entity';
export { type ClaimedFlow, type FlowPurpose, ProviderFlows } from './identity-providers/provider-flows';
export { LinkTokensService } from './links/link-tokens.service';
export { LinksModule } from './links/links.module';
export { VerificationMailer } from './links/verification-mailer';
export { MfaChallengeStoreModule } from './mfa/mfa-challenge-store.module';
export { type LoginTransport } from './mfa/mfa-challenge.entity';
export { MfaChallengesService, type PendingLogin } from './mfa/mfa-challenges.service';
export { MfaMails } from './mfa/mfa.mails';
export { SecondFactorService } from './mfa/second-factor.service';
export { totpSecretBase32, totpUrl } from './mfa/totp';
export { IntrospectionClients } from './oauth/introspection-clients';
export { OFFLINE_ACCESS } from './scopes/scopes';
export { type IntrospectionResult, TokenIntrospector } from './oauth/token-introspector';
export { PasskeyAssertionsService } from './passkeys/passkey-assertions.service';
export { Passkey } from './passkeys/passkey.entity';
export { PasskeyErrors } from './passkeys/passkey.errors';
export { PasskeysService } from './passkeys/passkeys.service';
export { WebAuthnChallengeStoreModule } from './passkeys/webauthn-challenge-store.module';
export { PasswordChangesService } from './passwords/password-changes.service';
export { PasswordConfirmationService, RECENT_SIGN_IN_SECONDS } from './passwords/password-confirmation.service';
export { PasswordHasher } from './passwords/password-hasher';
export { ScopeRegistry } from './scopes/scope-registry';
export { SecurityEventLog } from './security-events/security-event-log';
export { SecurityEventPages } from './security-events/security-event-pages';
export { SECURITY_EVENT_TYPES, type SecurityEventType } from './security-events/security-event.entity';
export { SecurityEventPageResponse, toSecurityEventResponse } from './security-events/security-event.response';
export { SecurityEventsModule } from './security-events/security-events.module';
export { AttemptThrottleService } from './throttling/attempt-throttle.service';
export { AccessTokenAuthenticator, type AccessTokenSummary } from './tokens/access-token.authenticator';
export { AccessTokenIssuer, type IssuedAccessToken } from './tokens/access-token.issuer';
export { AccessTokenRevoker } from './tokens/access-token.revoker';
export { AccessTokensModule } from './tokens/access-tokens.module';
export { TokenResponse, toTokenResponse } from './tokens/token.response';
export { type IssuedPersonalToken, PersonalTokensService } from './tokens/personal-tokens.service';
export { type RefreshOutcome, SessionRefresher } from './tokens/session-refresher';
