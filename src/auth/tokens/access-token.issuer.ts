import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { isMissingParentRowError } from '../../common/errors/database-errors';
import { authConfig, AuthConfig, oauthConfig, OAuthConfig } from '../../config/app.config';
import type { Transaction } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { joinScopes, splitScopes } from '../scopes/scopes';
import { AccessTokenCache } from './access-token.cache';
import { digestAccessToken, generateAccessToken } from './access-token.codec';
import { AccessTokenRevoker } from './access-token.revoker';
import { AccessTokensRepository } from './access-tokens.repository';
import { refreshTokens } from './refresh-token.codec';
import { NewRefreshToken, RefreshTokensRepository } from './refresh-tokens.repository';

/** A refresh token about to be stored, and the token itself, shown once. */
export type NewSessionRefreshToken = Omit<NewRefreshToken, 'sessionId' | 'scopes'> & { token: string };

export interface IssuedAccessToken {
  id: number;
  token: string;
  expiresInSeconds: number;
  scopes: string[];
  /** For a login that asked for `offline_access`, and after each refresh. */
  refreshToken?: string;
}

/**
 * Makes the session tokens of logins (with a refresh token when the login
 * asked for one), and keeps each user within MAX_TOKENS_PER_USER of them.
 */
@Injectable()
export class AccessTokenIssuer {
  private readonly logger = new Logger(AccessTokenIssuer.name);

  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly cache: AccessTokenCache,
    private readonly revoker: AccessTokenRevoker,
    private readonly users: UsersService,
    private readonly clock: Clock,
    private readonly refreshTokens: RefreshTokensRepository,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Inject(oauthConfig.KEY) private readonly oauth: OAuthConfig,
  ) {}

  /**
   * A session token of the user, with these scopes (the caller decided them:
   * ScopeRegistry.grant), for a login that checked its secret when the
   * user's security stamp was `credentialVersion`; with a refresh token of
   * the same scopes when `offlineAccess`.
   */
  async issue(userId: number, scopes: string[], credentialVersion: number, offlineAccess = false): Promise<IssuedAccessToken> {
    const now = this.clock.now();
    const token = generateAccessToken();
    const tokenHash = digestAccessToken(token);
    this.cache.forgetMiss(tokenHash);
    const refresh = offlineAccess ? this.newRefreshToken(now, now) : null;
    const id = await this.repository.insert({
      userId,
      tokenHash,
      scopes: joinScopes(scopes),
      kind: 'session',
      name: null,
      createdAt: now,
      signedInAt: now,
      expiresAt: new Date(now.getTime() + this.config.accessTokenTtlSeconds * 1000),
      refreshableUntil: refresh?.expiresAt ?? null,
    });
    // The account was deleted between the password check and now: as if it never existed.
    if (id === null) throw new DomainError('INVALID_CREDENTIALS');
    // Before the check of the stamp: a change that ends the session now takes its refresh token with it.
    if (refresh && !(await this.storeRefreshToken(id, refresh, scopes))) throw new DomainError('INVALID_CREDENTIALS');
    await this.assertCredentialsUnchanged(userId, id, credentialVersion);
    const evicted = await this.repository.surplusSessions(userId, this.config.maxTokensPerUser, now, id);
    if (evicted.length > 0) await this.revoker.takeBack(userId, evicted);
    return {
      id,
      token,
      expiresInSeconds: this.config.accessTokenTtlSeconds,
      scopes: splitScopes(joinScopes(scopes)),
      refreshToken: refresh?.token,
    };
  }

  /**
   * A refresh token made at `now` for a session that started at
   * `sessionStartedAt`: it lives REFRESH_TOKEN_TTL, never past SESSION_MAX_AGE.
   */
  newRefreshToken(now: Date, sessionStartedAt: Date): NewSessionRefreshToken {
    const token = refreshTokens.generate();
    const expiresAt = Math.min(
      now.getTime() + this.oauth.refreshTokenTtlSeconds * 1000,
      sessionStartedAt.getTime() + this.oauth.sessionMaxAgeSeconds * 1000,
    );
    return { token, tokenHash: refreshTokens.digest(token), createdAt: now, sessionStartedAt, expiresAt: new Date(expiresAt) };
  }

  /** Stores the session's refresh token (in `transaction` when given); false when the session was ended first. */
  async storeRefreshToken(
    sessionId: number,
    refresh: NewSessionRefreshToken,
    scopes: string[],
    transaction?: Transaction,
  ): Promise<boolean> {
    try {
      await this.refreshTokens.insert(
        {
          sessionId,
          tokenHash: refresh.tokenHash,
          scopes: joinScopes(scopes),
          sessionStartedAt: refresh.sessionStartedAt,
          createdAt: refresh.createdAt,
          expiresAt: refresh.expiresAt,
        },
        transaction,
      );
      return true;
    } catch (error) {
      if (isMissingParentRowError(error)) return false;
      throw error;
    }
  }

  /**
   * A change of credentials (password, MFA, deactivation, demotion...) that
   * committed while the login checked its secret ended every token of the
   * user but not this one, stored after it. Every such change moves the
   * user's stamp in its transaction, so the stamp read now, after the insert
   * and with a shared lock (a change still open is waited for), tells: moved
   * since the login read it, or the user gone or inactive, and the token is
   * taken back. A change that commits after this read finds the token stored,
   * and ends it itself.
   */
  private async assertCredentialsUnchanged(userId: number, tokenId: number, credentialVersion: number): Promise<void> {
    const standing = await this.users.findCredentialStanding(userId);
    if (standing?.isActive && standing.credentialVersion === credentialVersion) return;
    this.logger.log({ event: 'login.raced_credential_change', userId, tokenId });
    await this.revoker.takeBack(userId, [tokenId]);
    throw new DomainError('INVALID_CREDENTIALS');
  }
}
