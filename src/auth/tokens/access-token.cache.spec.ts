import { tokenDigest, tokenWithOwner } from '../../../test/support/cached-tokens';
import { FakeClock } from '../../../test/support/fake-clock';
import { defaultSettings } from '../../../test/support/default-settings';
import { AccessTokenCache } from './access-token.cache';
import { RecentRevocations } from './recent-revocations';

const found = tokenWithOwner;
const digest = tokenDigest;

describe('AccessTokenCache', () => {
  let clock: FakeClock;
  const cacheWith = (tokenCacheTtlMs: number, tokenCacheMaxEntries = 100) => {
    clock = new FakeClock();
    return new AccessTokenCache(clock, new RecentRevocations(clock, defaultSettings.database), {
      ...defaultSettings.auth,
      tokenCacheTtlMs,
      tokenCacheMaxEntries,
    });
  };

  it('answers a check for TOKEN_CACHE_TTL_MS, not after', () => {
    const cache = cacheWith(5000);
    cache.set(digest(1), found(1, 7));

    clock.advance(5000);
    expect(cache.get(digest(1))).toEqual({ found: found(1, 7), cachedAt: clock.now().getTime() - 5000 });
    clock.advance(1);
    expect(cache.get(digest(1))).toBeUndefined();
  });

  it('keeps nothing when off (0)', () => {
    const cache = cacheWith(0);
    cache.set(digest(1), found(1, 7));
    expect(cache.get(digest(1))).toBeUndefined();
  });

  it('lets the least recently used go first when full', () => {
    const cache = cacheWith(60_000, 2);
    cache.set(digest(1), found(1, 7));
    cache.set(digest(2), found(2, 7));
    cache.get(digest(1));
    cache.set(digest(3), found(3, 8));

    expect([1, 2, 3].map((id) => cache.get(digest(id))?.found.tokenId)).toEqual([1, undefined, 3]);
  });

  it("forgets one user's tokens but the one kept, and nobody else's", () => {
    const cache = cacheWith(60_000);
    [found(1, 7), found(2, 7), found(3, 7), found(4, 8)].forEach((entry) => cache.set(digest(entry.tokenId), entry));

    cache.forgetUser(7, 2);

    expect([1, 2, 3, 4].map((id) => cache.get(digest(id))?.found.tokenId)).toEqual([undefined, 2, undefined, 4]);
  });

  it('forgets by token id, also after an entry was evicted and its digest cached again', () => {
    const cache = cacheWith(60_000, 1);
    cache.set(digest(1), found(1, 7));
    cache.set(digest(2), found(2, 7));
    cache.set(digest(1), found(1, 7));

    cache.forgetTokens([1]);
    cache.forgetUser(7);

    expect(cache.get(digest(1))).toBeUndefined();
    expect(cache.get(digest(2))).toBeUndefined();
  });

  it('forgets a refreshed session under both digests: the previous token cached here, and the new one', () => {
    const cache = cacheWith(60_000);
    const previous = Buffer.from('previous-digest');
    const next = Buffer.from('next-digest');
    cache.set(previous, found(5, 7));
    cache.set(next, found(5, 7));

    cache.forgetTokens([5]);

    expect(cache.get(previous)).toBeUndefined();
    expect(cache.get(next)).toBeUndefined();
  });

  it('still forgets the user of a session whose previous digest alone expired', () => {
    const cache = cacheWith(5000);
    cache.set(Buffer.from('previous-digest'), found(5, 7));
    clock.advance(3000);
    cache.set(Buffer.from('next-digest'), found(5, 7));
    clock.advance(2001);
    expect(cache.get(Buffer.from('previous-digest'))).toBeUndefined();

    cache.forgetUser(7);

    expect(cache.get(Buffer.from('next-digest'))).toBeUndefined();
  });
});
