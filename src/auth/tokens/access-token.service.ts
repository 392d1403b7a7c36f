import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import type { Transaction } from '../../database/unit-of-work';
import { AuthContext } from '../authenticated-user';
import { AccessTokenCache } from './access-token.cache';
import type { AccessTokenKind } from './access-token.entity';
import { AccessTokensRepository, TokenWithOwner } from './access-tokens.repository';
import { digestAccessToken, generateAccessToken, isWellFormedAccessToken } from './access-token.codec';
import { TokenUsageRecorder } from './token-usage.recorder';
import { joinScopes, splitScopes } from '../scopes/scopes';

/** `last_used_at` is refreshed at most this often per token, never on every request. */
export const LAST_USE_RESOLUTION_MS = 60_000;

/** Tokens last used at or before this instant are idle; null when there is no idle timeout (0). */
export function idleCutoff(now: Date, idleSeconds: number): Date | null {
  return idleSeconds > 0 ? new Date(now.getTime() - idleSeconds * 1000) : null;
}

export interface IssuedAccessToken {
  id: number;
  token: string;
  expiresInSeconds: number;
  scopes: string[];
}

export interface AccessTokenSummary {
  id: number;
  kind: AccessTokenKind;
  name: string | null;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  current: boolean;
}

@Injectable()
export class AccessTokenService {
  private readonly logger = new Logger(AccessTokenService.name);

  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly usage: TokenUsageRecorder,
    private readonly cache: AccessTokenCache,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /** A session token of the user, with these scopes (the caller decided them: ScopeRegistry.grant). */
  async issue(userId: number, scopes: string[]): Promise<IssuedAccessToken> {
    const now = this.clock.now();
    const token = generateAccessToken();
    const id = await this.repository.insert({
      userId,
      tokenHash: digestAccessToken(token),
      scopes: joinScopes(scopes),
      kind: 'session',
      name: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.accessTokenTtlSeconds * 1000),
    });
    // The account was deleted between the password check and now: as if it never existed.
    if (id === null) throw new DomainError('INVALID_CREDENTIALS');
    this.cache.forgetTokens(await this.repository.trimToMostRecent(userId, this.config.maxTokensPerUser, now, id));
    return { id, token, expiresInSeconds: this.config.accessTokenTtlSeconds, scopes: splitScopes(joinScopes(scopes)) };
  }

  /**
   * Resolves a presented token to its user, or throws INVALID_TOKEN. Malformed
   * text costs no query; a token checked in the last TOKEN_CACHE_TTL_MS costs none either.
   */
  async authenticate(token: string): Promise<AuthContext> {
    if (!isWellFormedAccessToken(token)) throw new DomainError('INVALID_TOKEN');
    const found = await this.lookUp(digestAccessToken(token));
    if (!found || !found.isActive) throw new DomainError('INVALID_TOKEN');

    const now = this.clock.now();
    const lastUsedAt = this.latest(found.lastUsedAt, this.usage.pendingUse(found.tokenId));
    if (now >= found.expiresAt || (found.kind === 'session' && this.isIdle(lastUsedAt, now))) throw new DomainError('INVALID_TOKEN');
    if (now.getTime() - lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS) {
      this.usage.record(found.tokenId, now);
      // The cached copy learns of the use too, or it would be recorded again at every request once written.
      found.lastUsedAt = now;
    }
    return {
      tokenId: found.tokenId,
      tokenKind: found.kind,
      scopes: splitScopes(found.scopes),
      user: {
        id: found.userId,
        email: found.email,
        role: found.role,
        emailVerifiedAt: found.emailVerifiedAt,
        pendingEmail: found.pendingEmail,
        mfaEnabledAt: found.mfaEnabledAt,
        createdAt: found.userCreatedAt,
      },
    };
  }

  private async lookUp(digest: Buffer): Promise<TokenWithOwner | null> {
    const cached = this.cache.get(digest);
    if (cached) return cached;
    const found = await this.repository.findWithOwnerByDigest(digest);
    if (found) this.cache.set(digest, found);
    return found;
  }

  async list(userId: number, currentTokenId: number): Promise<AccessTokenSummary[]> {
    const now = this.clock.now();
    const tokens = await this.repository.findLiveByUser(userId, now, this.idleCutoff(now));
    return tokens.map((token) => ({
      id: token.id,
      kind: token.kind,
      name: token.name,
      scopes: splitScopes(token.scopes),
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      lastUsedAt: this.latest(token.lastUsedAt, this.usage.pendingUse(token.id)),
      current: token.id === currentTokenId,
    }));
  }

  async revoke(tokenId: number): Promise<void> {
    await this.repository.deleteById(tokenId);
    this.cache.forgetTokens([tokenId]);
  }

  /**
   * The user's details changed, or their tokens were revoked in a transaction
   * now committed: cached copies of their sessions (but `exceptTokenId`'s)
   * must not show the old state. Called after the commit, or a request in
   * between could cache a token still in the database again.
   */
  forgetOwner(userId: number, exceptTokenId?: number): void {
    this.cache.forgetUser(userId, exceptTokenId);
  }

  /** Deletes every token of the user but `keepTokenId` (all when null) in the caller's transaction; forgetOwner follows the commit. */
  async revokeAllInTransaction(userId: number, keepTokenId: number | null, transaction: Transaction): Promise<number> {
    const revoked = await this.repository.deleteAllByUserExcept(userId, keepTokenId, transaction);
    this.logger.log({ event: 'token.revoked_all_others', userId, keptTokenId: keepTokenId, revoked });
    return revoked;
  }

  /** Revokes one of the user's tokens; another user's token is "not found", never "forbidden". */
  async revokeOwned(userId: number, tokenId: number): Promise<void> {
    const deleted = await this.repository.deleteByIdAndUser(tokenId, userId);
    this.cache.forgetTokens([tokenId]);
    if (!deleted) throw new DomainError('NOT_FOUND', 'No such token');
    this.logger.log({ event: 'token.revoked', userId, tokenId });
  }

  async revokeAllExcept(userId: number, keepTokenId: number): Promise<number> {
    const revoked = await this.repository.deleteAllByUserExcept(userId, keepTokenId);
    this.cache.forgetUser(userId, keepTokenId);
    this.logger.log({ event: 'token.revoked_all_others', userId, keptTokenId: keepTokenId, revoked });
    return revoked;
  }

  private isIdle(lastUsedAt: Date, now: Date): boolean {
    const cutoff = this.idleCutoff(now);
    return cutoff !== null && lastUsedAt <= cutoff;
  }

  private idleCutoff(now: Date): Date | null {
    return idleCutoff(now, this.config.accessTokenIdleTtlSeconds);
  }

  private latest(stored: Date, pending: Date | undefined): Date {
    return pending && pending > stored ? pending : stored;
  }
}
