import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import { ReadReplicas } from '../../database/replicas/read-replicas';
import { AuthContext } from '../authenticated-user';
import { splitScopes } from '../scopes/scopes';
import { UnknownTokenAttempts } from '../throttling/unknown-token-attempts';
import { AccessTokenCache } from './access-token.cache';
import { digestAccessToken, isWellFormedAccessToken } from './access-token.codec';
import type { AccessTokenKind } from './access-token.entity';
import { idleCutoff, LAST_USE_RESOLUTION_MS, latestUse } from './access-token.lifetime';
import { AccessTokensRepository, TokenWithOwner } from './access-tokens.repository';
import { RecentRevocations } from './recent-revocations';
import { RevocationFeed } from './revocation-feed';
import { TokenUsageRecorder } from './token-usage.recorder';

const FLOOD_REFUSAL_DELAY_MS = 1000;

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

/**
 * Tells which user a presented token stands for, through the token cache
 * (trusted as far as the revocation log allows), and lists a user's live
 * tokens by the same rules of expiry and idleness.
 */
@Injectable()
export class AccessTokenAuthenticator {
  private readonly lookupsInFlight = new Map<string, Promise<TokenWithOwner | null>>();

  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly usage: TokenUsageRecorder,
    private readonly cache: AccessTokenCache,
    private readonly feed: RevocationFeed,
    private readonly replicas: ReadReplicas,
    private readonly recentRevocations: RecentRevocations,
    private readonly unknownTokens: UnknownTokenAttempts,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /**
   * Resolves a presented token to its user, or throws INVALID_TOKEN. Malformed
   * text costs no query; a token checked in the last TOKEN_CACHE_TTL_MS costs
   * none either, nor one that matched nothing in the last 10 s. A client whose
   * tokens missed INVALID_TOKENS_PER_CLIENT times in a minute gets 429 for the
   * tokens the cache does not know, before any query.
   */
  async authenticate(token: string, clientAddress: string): Promise<AuthContext> {
    const context = await this.resolve(token, clientAddress);
    if (!context) throw new DomainError('INVALID_TOKEN');
    return context;
  }

  /**
   * What a token stands for, by the rules and through the cache of
   * `authenticate`, for a resource server that asks (RFC 7662): null when it
   * would be refused. That server vouches for its callers, so a miss counts
   * against none of them.
   */
  inspect(token: string): Promise<AuthContext | null> {
    return this.resolve(token, null);
  }

  private async resolve(token: string, clientAddress: string | null): Promise<AuthContext | null> {
    if (!isWellFormedAccessToken(token)) return null;
    const found = await this.lookUp(digestAccessToken(token), clientAddress);
    if (!found || !found.isActive) return null;

    const now = this.clock.now();
    const lastUsedAt = latestUse(found.lastUsedAt, this.usage.pendingUse(found.tokenId));
    if (now >= found.expiresAt || (found.kind === 'session' && this.isIdle(lastUsedAt, now))) return null;
    if (now.getTime() - lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS) {
      this.usage.record(found.tokenId, now);
      // The cached copy learns of the use too, or it would be recorded again at every request once written.
      found.lastUsedAt = now;
    }
    return {
      tokenId: found.tokenId,
      tokenKind: found.kind,
      scopes: splitScopes(found.scopes),
      issuedAt: found.issuedAt,
      signedInAt: found.signedInAt,
      expiresAt: found.expiresAt,
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

  /** The user's tokens that would authenticate now, `current` marking the one that asks. */
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
      lastUsedAt: latestUse(token.lastUsedAt, this.usage.pendingUse(token.id)),
      current: token.id === currentTokenId,
    }));
  }

  private async lookUp(digest: Buffer, clientAddress: string | null): Promise<TokenWithOwner | null> {
    // Before the query: the row read is at least as recent as this.
    const now = this.clock.now().getTime();
    const cached = this.cache.get(digest);
    if (cached && this.feed.trusts(cached.cachedAt, now)) return cached.found;
    // A known miss costs nothing: a client repeating a revoked token gets its 401, not a 429.
    if (this.cache.isKnownMiss(digest)) return null;
    if (clientAddress !== null) await this.refuseFloodsSlowly(clientAddress);
    const found = await this.queryOnce(digest);
    if (found) {
      this.cache.set(digest, found, now);
      return found;
    }
    this.cache.rememberMiss(digest);
    if (clientAddress !== null) this.unknownTokens.failed(clientAddress);
    return null;
  }

  /**
   * A client past INVALID_TOKENS_PER_CLIENT gets its 429 a second late: a
   * flood's connections then send one request a second each, instead of as
   * many as the service can refuse. Measured (`npm run bench`, 50 flooding
   * connections), refusing at once left the flood 5,500 requests a second of
   * the event loop, and real users' read p99 18 times its idle value.
   */
  private async refuseFloodsSlowly(clientAddress: string): Promise<void> {
    try {
      this.unknownTokens.assertAllowed(clientAddress);
    } catch (refusal) {
      await sleep(FLOOD_REFUSAL_DELAY_MS);
      throw refusal;
    }
  }

  /**
   * One query per digest at a time: requests that present a token while its
   * lookup is in flight (a page's parallel calls, a flood of one token) share it.
   */
  private queryOnce(digest: Buffer): Promise<TokenWithOwner | null> {
    const key = digest.toString('base64');
    let lookup = this.lookupsInFlight.get(key);
    if (!lookup) {
      lookup = this.find(digest).finally(() => this.lookupsInFlight.delete(key));
      this.lookupsInFlight.set(key, lookup);
    }
    return lookup;
  }

  /**
   * On a live replica when the revocation log is read (docs/api.md "Read
   * replicas"), never less right than the primary: a token the replica does
   * not know may have been issued since its copy, and one it knows may have
   * ended since, so both are asked of the primary again.
   */
  private async find(digest: Buffer): Promise<TokenWithOwner | null> {
    if (!this.feed.isCurrent(this.clock.now().getTime())) return this.repository.findWithOwnerByDigest(digest);
    const { result, fromReplica } = await this.replicas.mayLag((source) => this.repository.findWithOwnerByDigest(digest, source));
    if (!fromReplica || (result !== null && !this.recentRevocations.touches(result.tokenId, result.userId))) return result;
    return this.repository.findWithOwnerByDigest(digest);
  }

  private isIdle(lastUsedAt: Date, now: Date): boolean {
    const cutoff = this.idleCutoff(now);
    return cutoff !== null && lastUsedAt <= cutoff;
  }

  private idleCutoff(now: Date): Date | null {
    return idleCutoff(now, this.config.accessTokenIdleTtlSeconds);
  }
}
