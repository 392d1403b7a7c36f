import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import { TokenWithOwner } from './access-tokens.repository';

interface Entry {
  found: TokenWithOwner;
  freshUntil: number;
}

/**
 * Token checks remembered in process for TOKEN_CACHE_TTL_MS, keyed by the
 * token's SHA-256 digest (never the token), bounded, least recently used out
 * first. Revocations made here are forgotten at once; those made by another
 * instance are seen when the copy here turns stale.
 */
@Injectable()
export class AccessTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly keysByTokenId = new Map<number, string>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly clock: Clock,
    @Inject(authConfig.KEY) config: AuthConfig,
  ) {
    this.ttlMs = config.tokenCacheTtlMs;
    this.maxEntries = config.tokenCacheMaxEntries;
  }

  get(digest: Buffer): TokenWithOwner | undefined {
    if (this.ttlMs === 0) return undefined;
    const key = digest.toString('base64');
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.freshUntil <= this.clock.now().getTime()) {
      this.keysByTokenId.delete(entry.found.tokenId);
      return undefined;
    }
    // Re-inserted last: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.set(key, entry);
    return entry.found;
  }

  set(digest: Buffer, found: TokenWithOwner): void {
    if (this.ttlMs === 0) return;
    const key = digest.toString('base64');
    this.entries.delete(key);
    this.entries.set(key, { found, freshUntil: this.clock.now().getTime() + this.ttlMs });
    this.keysByTokenId.set(found.tokenId, key);
    while (this.entries.size > this.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldestKey);
      this.keysByTokenId.delete(oldest.found.tokenId);
    }
  }

  forgetTokens(tokenIds: Iterable<number>): void {
    for (const tokenId of tokenIds) {
      const key = this.keysByTokenId.get(tokenId);
      if (key === undefined) continue;
      this.entries.delete(key);
      this.keysByTokenId.delete(tokenId);
    }
  }

  /** Every token of the user but `exceptTokenId`, as after a password change or a change of the user's details. */
  forgetUser(userId: number, exceptTokenId?: number): void {
    const tokenIds = [...this.entries.values()]
      .filter(({ found }) => found.userId === userId && found.tokenId !== exceptTokenId)
      .map(({ found }) => found.tokenId);
    this.forgetTokens(tokenIds);
  }
}
