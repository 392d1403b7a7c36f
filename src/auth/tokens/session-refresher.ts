import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig, oauthConfig, OAuthConfig } from '../../config/app.config';
import { UnitOfWork } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { BearerSecretAttempts } from '../throttling/bearer-secret-attempts';
import { joinScopes, splitScopes } from '../scopes/scopes';
import { AccessTokenCache } from './access-token.cache';
import { digestAccessToken, generateAccessToken } from './access-token.codec';
import { AccessTokenIssuer, IssuedAccessToken } from './access-token.issuer';
import { idleCutoff, latestUse } from './access-token.lifetime';
import { AccessTokenRevoker } from './access-token.revoker';
import { AccessTokensRepository } from './access-tokens.repository';
import { refreshTokens } from './refresh-token.codec';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TokenUsageRecorder } from './token-usage.recorder';

/** A refresh token presented again after its grace: its session was ended, and the owner should hear of it. */
export interface ReusedRefreshToken {
  userId: number;
  sessionId: number;
}

export type RefreshOutcome = { rotated: IssuedAccessToken; userId: number } | { reused: ReusedRefreshToken };

/**
 * The refresh token grant (RFC 6749 §6) with rotation (RFC 9700 §4.14.2): a
 * refresh token works once, for a new access token in its session's row
 * (the previous one ends through the revocation log) and a new refresh
 * token. Presented again within REFRESH_REUSE_GRACE (two tabs refreshing at
 * once), it is a plain INVALID_GRANT; later, it is taken as stolen, and the
 * whole session ends.
 *
 * The rotation locks the user, then the session, then the refresh token: the
 * order in which every change of credentials (the user's row first) and
 * every revocation (the session's row, then its refresh tokens by cascade)
 * take them, so that a refresh waits for such a change or the change waits
 * for it, and neither deadlocks. Whichever commits first, the other sees it:
 * no refresh outlives a revocation.
 */
@Injectable()
export class SessionRefresher {
  private readonly logger = new Logger(SessionRefresher.name);

  constructor(
    private readonly accessTokens: AccessTokensRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly issuer: AccessTokenIssuer,
    private readonly revoker: AccessTokenRevoker,
    private readonly cache: AccessTokenCache,
    private readonly usage: TokenUsageRecorder,
    private readonly users: UsersService,
    private readonly unknownTokens: BearerSecretAttempts,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Inject(oauthConfig.KEY) private readonly oauth: OAuthConfig,
  ) {}

  /**
   * A new pair for `refreshToken`, with the scopes it carries or `requested`
   * (narrower only: 400 INVALID_SCOPE otherwise). 400 INVALID_GRANT for a
   * token unknown, expired, used, or of a session that ended or is past
   * SESSION_MAX_AGE, or of a deactivated user. Unknown ones count against
   * the client like any other bearer secret.
   */
  async refresh(refreshToken: string, requested: string[] | null, clientAddress: string): Promise<RefreshOutcome> {
    this.unknownTokens.assertAllowed(clientAddress);
    const family = refreshTokens.isWellFormed(refreshToken)
      ? await this.refreshTokens.findFamily(refreshTokens.digest(refreshToken))
      : null;
    if (!family) {
      this.unknownTokens.failed(clientAddress);
      throw new DomainError('INVALID_GRANT');
    }
    const { userId, sessionId } = family;
    const outcome = await this.unitOfWork.run(async (transaction): Promise<RefreshOutcome | null> => {
      const user = await this.users.findForUpdate(userId, transaction);
      const session = await this.accessTokens.lockById(sessionId, transaction);
      const presented = await this.refreshTokens.lockById(family.refreshTokenId, transaction);
      // Read after the locks: a change this waited for counts as done before it.
      const now = this.clock.now();
      if (!user || !session || !presented) return null;
      if (presented.usedAt !== null) {
        if (now.getTime() - presented.usedAt.getTime() <= this.oauth.refreshReuseGraceSeconds * 1000) return null;
        await this.revoker.endSessionInTransaction(userId, sessionId, transaction);
        return { reused: { userId, sessionId } };
      }
      const sessionEnd = presented.sessionStartedAt.getTime() + this.oauth.sessionMaxAgeSeconds * 1000;
      const lastUse = latestUse(session.lastUsedAt, this.usage.pendingUse(sessionId));
      const idleSince = idleCutoff(now, this.config.accessTokenIdleTtlSeconds);
      if (!user.isActive || presented.expiresAt <= now || sessionEnd <= now.getTime() || (idleSince !== null && lastUse <= idleSince)) {
        return null;
      }
      const scopes = this.narrowed(splitScopes(presented.scopes), requested);
      const token = generateAccessToken();
      const tokenHash = digestAccessToken(token);
      const next = this.issuer.newRefreshToken(now, presented.sessionStartedAt);
      await this.refreshTokens.markUsed(presented.id, now, transaction);
      if (!(await this.issuer.storeRefreshToken(sessionId, next, scopes, transaction))) return null;
      await this.accessTokens.rotate(
        sessionId,
        {
          tokenHash,
          scopes: joinScopes(scopes),
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.config.accessTokenTtlSeconds * 1000),
          refreshableUntil: next.expiresAt,
        },
        transaction,
      );
      await this.revoker.replacedInTransaction(userId, sessionId, transaction);
      this.cache.forgetMiss(tokenHash);
      const rotated = { id: sessionId, token, expiresInSeconds: this.config.accessTokenTtlSeconds, scopes, refreshToken: next.token };
      return { rotated, userId };
    });
    this.revoker.forgetTokens([sessionId]);
    if (outcome === null) throw new DomainError('INVALID_GRANT');
    if ('rotated' in outcome) this.logger.log({ event: 'token.refreshed', userId, tokenId: sessionId });
    return outcome;
  }

  /** RFC 6749 §6: a refresh may ask for the token's scopes or fewer, never more. */
  private narrowed(held: string[], requested: string[] | null): string[] {
    if (requested === null) return held;
    if (requested.some((scope) => !held.includes(scope))) {
      throw new DomainError('INVALID_SCOPE', 'A refresh may only narrow the scopes of its session');
    }
    return requested;
  }
}
