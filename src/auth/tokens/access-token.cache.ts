import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import { TokenWithOwner } from './access-tokens.repository';

/**
 * Token checks remembered in process for TOKEN_CACHE_TTL_MS, keyed by the
 * token's SHA-256 digest (never the token), bounded, least recently used out
 * first (lru-cache). Revocations made here are forgotten at once; those made
 * by another instance are seen when the copy here turns stale. The entries of
 * one user are indexed, so that forgetting them costs what they are, not a
 * scan of the cache.
 */
@Injectable()
export class AccessTokenCache {
  private readonly entries?: LRUCache<string, TokenWithOwner>;
  private readonly keysByTokenId = new Map<number, string>();
  private readonly tokenIdsByUser = new Map<number, Set<number>>();

  constructor(clock: Clock, @Inject(authConfig.KEY) config: AuthConfig) {
    if (config.tokenCacheTtlMs === 0) return;
    this.entries = new LRUCache<string, TokenWithOwner>({
      max: config.tokenCacheMaxEntries,
      ttl: config.tokenCacheTtlMs,
      // The application's clock, read at every check: tests move it, and a 1 ms
      // resolution would keep a stale reading across such a move.
      perf: { now: () => clock.now().getTime() },
      ttlResolution: 0,
      // Evicted, expired, replaced or deleted: the index forgets the entry too.
      dispose: (found, key) => this.unindex(found, key),
    });
  }

  get(digest: Buffer): TokenWithOwner | undefined {
    return this.entries?.get(digest.toString('base64'));
  }

  set(digest: Buffer, found: TokenWithOwner): void {
    if (!this.entries) return;
    const key = digest.toString('base64');
    this.entries.set(key, found);
    this.keysByTokenId.set(found.tokenId, key);
    const tokenIds = this.tokenIdsByUser.get(found.userId) ?? new Set<number>();
    tokenIds.add(found.tokenId);
    this.tokenIdsByUser.set(found.userId, tokenIds);
  }

  forgetTokens(tokenIds: Iterable<number>): void {
    for (const tokenId of tokenIds) {
      const key = this.keysByTokenId.get(tokenId);
      if (key !== undefined) this.entries?.delete(key);
    }
  }

  /** Every token of the user but `exceptTokenId`, as after a password change or a change of the user's details. */
  forgetUser(userId: number, exceptTokenId?: number): void {
    const tokenIds = [...(this.tokenIdsByUser.get(userId) ?? [])];
    this.forgetTokens(tokenIds.filter((tokenId) => tokenId !== exceptTokenId));
  }

  private unindex(found: TokenWithOwner, key: string): void {
    if (this.keysByTokenId.get(found.tokenId) === key) this.keysByTokenId.delete(found.tokenId);
    const tokenIds = this.tokenIdsByUser.get(found.userId);
    if (!tokenIds) return;
    tokenIds.delete(found.tokenId);
    if (tokenIds.size === 0) this.tokenIdsByUser.delete(found.userId);
  }
}
