import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import { TokenWithOwner } from './access-tokens.repository';
import { RecentRevocations } from './recent-revocations';

/** A remembered check, and when it was made (clock time, ms): RevocationFeed decides how long it is trusted. */
export interface CachedToken {
  found: TokenWithOwner;
  cachedAt: number;
}

/** Misses remembered at most, and for how long: a bound on memory, and a short one on a wrong answer. */
const MAX_MISSES = 10_000;
const MISS_TTL_MS = 10_000;

/**
 * Token checks remembered in process for TOKEN_CACHE_TTL_MS, keyed by the
 * token's SHA-256 digest (never the token), bounded, least recently used out
 * first (lru-cache). Revocations made here are forgotten at once; those made
 * by another instance reach it through the revocation log (RevocationFeed).
 * The entries of one user are indexed, so that forgetting them costs what
 * they are, not a scan of the cache.
 *
 * Tokens that matched nothing are remembered too, for 10 s, by digest, so
 * that a client repeating one (a revoked token in a loop) costs one query,
 * not one per request. A token issued here forgets its digest's miss; one
 * issued elsewhere cannot have missed here before, since a token's 256 random
 * bits are first known to anyone when it is issued.
 */
@Injectable()
export class AccessTokenCache {
  private readonly entries?: LRUCache<string, CachedToken>;
  private readonly misses?: LRUCache<string, true>;
  /**
   * Keys, not one key: a refreshed session keeps its id under a new digest,
   * and an entry of its previous token may still be here when the new one
   * is cached. Forgetting the id must drop both.
   */
  private readonly keysByTokenId = new Map<number, Set<string>>();
  private readonly tokenIdsByUser = new Map<number, Set<number>>();

  constructor(
    private readonly clock: Clock,
    private readonly recentRevocations: RecentRevocations,
    @Inject(authConfig.KEY) config: AuthConfig,
  ) {
    if (config.tokenCacheTtlMs === 0) return;
    this.entries = new LRUCache<string, CachedToken>({
      max: config.tokenCacheMaxEntries,
      ttl: config.tokenCacheTtlMs,
      // The application's clock, read at every check: tests move it, and a 1 ms
      // resolution would keep a stale reading across such a move.
      perf: { now: () => clock.now().getTime() },
      ttlResolution: 0,
      // Evicted, expired, replaced or deleted: the index forgets the entry too.
      dispose: (cached, key) => this.unindex(cached.found, key),
    });
    this.misses = new LRUCache<string, true>({
      max: MAX_MISSES,
      ttl: MISS_TTL_MS,
      perf: { now: () => clock.now().getTime() },
      ttlResolution: 0,
    });
  }

  /** Whether this digest matched no token within the last 10 s. */
  isKnownMiss(digest: Buffer): boolean {
    return this.misses?.has(digest.toString('base64')) ?? false;
  }

  rememberMiss(digest: Buffer): void {
    this.misses?.set(digest.toString('base64'), true);
  }

  forgetMiss(digest: Buffer): void {
    this.misses?.delete(digest.toString('base64'));
  }

  get(digest: Buffer): CachedToken | undefined {
    return this.entries?.get(digest.toString('base64'));
  }

  set(digest: Buffer, found: TokenWithOwner, cachedAt = this.clock.now().getTime()): void {
    if (!this.entries) return;
    const key = digest.toString('base64');
    this.entries.set(key, { found, cachedAt });
    const keys = this.keysByTokenId.get(found.tokenId) ?? new Set<string>();
    keys.add(key);
    this.keysByTokenId.set(found.tokenId, keys);
    const tokenIds = this.tokenIdsByUser.get(found.userId) ?? new Set<number>();
    tokenIds.add(found.tokenId);
    this.tokenIdsByUser.set(found.userId, tokenIds);
  }

  /** Tokens that ended (here, or as the revocation log says). */
  forgetTokens(tokenIds: Iterable<number>): void {
    const ended = [...tokenIds];
    // Whether cached or not: a replica may still answer for them.
    this.recentRevocations.noteTokens(ended);
    for (const tokenId of ended) {
      for (const key of [...(this.keysByTokenId.get(tokenId) ?? [])]) this.entries?.delete(key);
    }
  }

  /** Every token of the user but `exceptTokenId`, as after a password change or a change of the user's details. */
  forgetUser(userId: number, exceptTokenId?: number): void {
    this.recentRevocations.noteUser(userId);
    const tokenIds = [...(this.tokenIdsByUser.get(userId) ?? [])];
    this.forgetTokens(tokenIds.filter((tokenId) => tokenId !== exceptTokenId));
  }

  private unindex(found: TokenWithOwner, key: string): void {
    const keys = this.keysByTokenId.get(found.tokenId);
    keys?.delete(key);
    // Another digest of the same session is still cached.
    if (keys && keys.size > 0) return;
    this.keysByTokenId.delete(found.tokenId);
    const tokenIds = this.tokenIdsByUser.get(found.userId);
    if (!tokenIds) return;
    tokenIds.delete(found.tokenId);
    if (tokenIds.size === 0) this.tokenIdsByUser.delete(found.userId);
  }
}
