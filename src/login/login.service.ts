import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AccessTokenIssuer,
  AccessTokenRevoker,
  AttemptThrottleService,
  IssuedAccessToken,
  LoginTransport,
  MfaChallengesService,
  PasskeyAssertionsService,
  PasswordHasher,
  PendingLogin,
  ScopeRegistry,
  SecurityEventLog,
  SessionRefresher,
} from '../auth/internal';
import type { RequestClient } from '../common/http/request-client.decorator';
import { DomainError } from '../common/errors/domain-error';
import { accountConfig, AccountConfig } from '../config/app.config';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LoginCredentials } from './dto/login.request';

/** A login's token, and whether the login asked for particular scopes (the token response then names them). */
export interface LoginResult {
  issued: IssuedAccessToken;
  narrowed: boolean;
}

/** Login (bearer or cookie; a password, then a second factor when MFA is on, or a passkey) and logout. */
@Injectable()
export class LoginService {
  private readonly logger = new Logger(LoginService.name);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly issuer: AccessTokenIssuer,
    private readonly revoker: AccessTokenRevoker,
    private readonly refresher: SessionRefresher,
    private readonly throttle: AttemptThrottleService,
    private readonly mfaChallenges: MfaChallengesService,
    private readonly passkeys: PasskeyAssertionsService,
    private readonly scopes: ScopeRegistry,
    private readonly events: SecurityEventLog,
    @Inject(accountConfig.KEY) private readonly config: AccountConfig,
  ) {}

  /**
   * Unknown email, wrong password and deactivated account fail alike: one
   * bcrypt comparison each (against a dummy hash when there is no user), then
   * the same INVALID_CREDENTIALS. Each attempt counts as a failure against the
   * email and the client until it succeeds. For a user with MFA on, the right
   * password only starts a challenge (403 MFA_REQUIRED with its `mfaToken`,
   * for this transport): it clears none of the account's failures, which the
   * wrong codes add to.
   */
  async login({ email, password, scope }: LoginCredentials, client: RequestClient, transport: LoginTransport): Promise<LoginResult> {
    const clientAddress = client.ip;
    // Before any count or bcrypt work: a scope the application does not have is the request's fault, not a guess.
    const request = this.pendingLogin(scope, transport);
    this.hasher.assertCapacity(clientAddress);
    return this.throttle.checkSecret(
      email,
      clientAddress,
      () => this.verifyAndIssue(email, password, client, request),
      // Checked again after a wait for the account's turn, before any count: bcrypt's queue may have filled meanwhile.
      () => this.hasher.assertCapacity(clientAddress),
    );
  }

  private async verifyAndIssue(email: string, password: string, client: RequestClient, request: PendingLogin): Promise<LoginResult> {
    const requested = request.requestedScopes;
    const clientAddress = client.ip;
    const user = await this.users.findByEmailWithHash(email);
    const passwordMatches = await this.hasher.verify(password, user?.hashedPassword ?? null, clientAddress);
    if (!user || !passwordMatches || !user.isActive) {
      if (user) this.events.record('login.failed', user.id, { client });
      else this.logger.log({ event: 'login.failed', userId: null });
      throw new DomainError('INVALID_CREDENTIALS');
    }
    // Only after the right password: a wrong one says nothing about the address.
    if (this.config.emailVerification === 'required' && user.emailVerifiedAt === null) {
      throw new DomainError('EMAIL_NOT_VERIFIED');
    }
    const granted = this.scopes.grant(user.role, requested);
    if (user.hashedPassword !== null && this.hasher.needsRehash(user.hashedPassword)) {
      await this.upgradeHash(user.id, user.hashedPassword, password, clientAddress);
    }
    if (user.mfaEnabledAt !== null) {
      const challenge = await this.mfaChallenges.start(user.id, user.credentialVersion, request);
      this.logger.log({ event: 'login.mfa_required', userId: user.id });
      throw DomainError.withDetails('MFA_REQUIRED', { mfaToken: challenge.mfaToken, expiresIn: challenge.expiresInSeconds });
    }
    return { issued: await this.succeed(user, granted, request.offlineAccess, client), narrowed: requested !== null };
  }

  /**
   * A refresh (the refresh token grant): a new pair for the session, no
   * password and no second factor asked. A refresh token presented again
   * after its grace ended its session: the owner sees `refresh_token.reused`
   * among their security events, and the client a plain INVALID_GRANT.
   */
  async refresh(refreshToken: string, scope: string | undefined, client: RequestClient): Promise<LoginResult> {
    // offline_access again (clients resend their scope) asks for nothing more: every refresh gives a refresh token.
    const requested = this.scopes.parseRequest(scope).scopes;
    const outcome = await this.refresher.refresh(refreshToken, requested, client.ip);
    if ('reused' in outcome) {
      const { userId, sessionId } = outcome.reused;
      this.events.record('refresh_token.reused', userId, { client }, { tokenId: sessionId });
      throw new DomainError('INVALID_GRANT');
    }
    return { issued: outcome.rotated, narrowed: requested !== null };
  }

  /** What a login will hand out: the scopes it asks for, and a refresh token when a bearer login asks for `offline_access`. */
  private pendingLogin(scope: string | undefined, transport: LoginTransport): PendingLogin {
    const { scopes, offlineAccess } = this.scopes.parseRequest(scope);
    // A cookie session needs none: the browser never holds a token to renew.
    return { transport, requestedScopes: scopes, offlineAccess: offlineAccess && transport === 'bearer' };
  }

  /**
   * The second step of a login with MFA: a code for its `mfaToken` gives the
   * session the first step would have given, for the transport it started
   * with; `admit` may refuse that transport here (the cookie login's origin rule).
   */
  async finishWithSecondFactor(
    { mfaToken, code, codeVerifier }: { mfaToken: string; code?: string; codeVerifier?: string },
    client: RequestClient,
    admit: (transport: LoginTransport) => void,
  ): Promise<LoginResult & { transport: LoginTransport }> {
    const finished = await this.mfaChallenges.finish(mfaToken, code, client, admit, codeVerifier);
    // The role of now: a promotion between the two steps gives its scopes (a demotion moved the stamp and ended the challenge).
    const granted = this.scopes.grant(finished.role, finished.requestedScopes);
    const issued = await this.succeed(
      { id: finished.userId, credentialVersion: finished.credentialVersion },
      granted,
      finished.offlineAccess,
      client,
      { secondFactor: finished.factor, ...(finished.provider === null ? {} : { provider: finished.provider }) },
    );
    return { transport: finished.transport, issued, narrowed: finished.requestedScopes !== null };
  }

  /**
   * A login with a passkey's assertion. A passkey is created and used with
   * user verification, so it is both factors at once: no MFA step follows.
   * A deactivated account gets the same 401 as a refused assertion.
   */
  async loginWithPasskey(
    response: unknown,
    scope: string | undefined,
    client: RequestClient,
    transport: LoginTransport,
  ): Promise<LoginResult> {
    const { requestedScopes: requested, offlineAccess } = this.pendingLogin(scope, transport);
    const user = await this.passkeys.verify(response, client);
    if (!user.isActive) {
      this.events.record('login.failed', user.id, { client }, { method: 'passkey' });
      throw new DomainError('INVALID_CREDENTIALS', 'The passkey could not sign you in');
    }
    if (this.config.emailVerification === 'required' && user.emailVerifiedAt === null) throw new DomainError('EMAIL_NOT_VERIFIED');
    const granted = this.scopes.grant(user.role, requested);
    return { issued: await this.succeed(user, granted, offlineAccess, client, { method: 'passkey' }), narrowed: requested !== null };
  }

  /**
   * The end of every successful login, with or without a second step: the
   * session (kept only if the user's security stamp is still the one the
   * secret was checked under), the login time, the log line and the event.
   */
  private async succeed(
    user: Pick<User, 'id' | 'credentialVersion'>,
    scopes: string[],
    offlineAccess: boolean,
    client: RequestClient,
    logged: Record<string, string> = {},
  ): Promise<IssuedAccessToken> {
    const userId = user.id;
    const issued = await this.issuer.issue(userId, scopes, user.credentialVersion, offlineAccess);
    await this.users.recordLogin(userId);
    this.events.record('login.succeeded', userId, { client }, { tokenId: issued.id, ...logged });
    return issued;
  }

  /** The upgrade is opportunistic: on failure the old hash stays and the login goes on. */
  private async upgradeHash(userId: number, currentHash: string, password: string, clientAddress: string): Promise<void> {
    try {
      await this.users.replaceHash(userId, currentHash, await this.hasher.hash(password, clientAddress));
      this.logger.log({ event: 'password.rehashed', userId });
    } catch (error) {
      this.logger.warn({ event: 'password.rehash_failed', userId, error: (error as Error).message });
    }
  }

  async logout(userId: number, tokenId: number, client: RequestClient): Promise<void> {
    await this.revoker.revoke(userId, tokenId);
    this.events.record('logout', userId, { client }, { tokenId });
  }
}
