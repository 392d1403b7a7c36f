import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../../test/support/default-settings';
import { tokenDigest, tokenWithOwner } from '../../../test/support/cached-tokens';
import { FakeClock } from '../../../test/support/fake-clock';
import { AccessTokenCache } from './access-token.cache';
import { RecentRevocations } from './recent-revocations';
import { RevocationFeed, UNCONFIRMED_TRUST_MS } from './revocation-feed';
import { Revocation, TokenRevocationsRepository } from './token-revocations.repository';

const found = tokenWithOwner;
const digest = tokenDigest;

/** The log as the database shows it: only committed lines, which may commit out of id order. */
class LogTable {
  committed: Revocation[] = [];
  reads: number[] = [];
  down = false;

  commit(...lines: Revocation[]): void {
    this.committed.push(...lines);
    this.committed.sort((a, b) => a.id - b.id);
  }

  readAfter(afterId: number, limit: number): Promise<Revocation[]> {
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED'));
    this.reads.push(afterId);
    return Promise.resolve(this.committed.filter((line) => line.id > afterId).slice(0, limit));
  }

  newestId(): Promise<number> {
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED'));
    return Promise.resolve(this.committed.at(-1)?.id ?? 0);
  }
}

describe('RevocationFeed', () => {
  let clock: FakeClock;
  let table: LogTable;
  let cache: AccessTokenCache;
  let feed: RevocationFeed;
  const cached = (tokenId: number) => cache.get(digest(tokenId)) !== undefined;

  beforeEach(() => {
    clock = new FakeClock();
    table = new LogTable();
    const repository = mock<TokenRevocationsRepository>();
    repository.readAfter.mockImplementation((afterId, limit) => table.readAfter(afterId, limit));
    repository.newestId.mockImplementation(() => table.newestId());
    const settings = { ...defaultSettings.auth, tokenCacheTtlMs: 60_000, revocationPollMs: 250 };
    cache = new AccessTokenCache(clock, new RecentRevocations(clock, defaultSettings.database), settings);
    feed = new RevocationFeed(repository, cache, clock, settings, defaultSettings.database);
    for (const [tokenId, userId] of [
      [1, 7],
      [2, 7],
      [3, 8],
      [4, 9],
    ]) {
      cache.set(digest(tokenId), found(tokenId, userId));
    }
  });

  it('drops the tokens a line names, and every token of a user for a line without one', async () => {
    await feed.poll();
    table.commit({ id: 1, userId: 8, tokenId: 3 }, { id: 2, userId: 7, tokenId: null });

    await feed.poll();

    expect([1, 2, 3, 4].map(cached)).toEqual([false, false, false, true]);
  });

  it('starts a little before the newest line, so that a transaction open at start is still read', async () => {
    table.commit({ id: 5000, userId: 9, tokenId: 4 });
    await feed.poll();
    expect(table.reads).toEqual([4000]);
    // The line 4999 of a transaction still open at start commits now.
    table.commit({ id: 4999, userId: 8, tokenId: 3 });

    await feed.poll();

    expect(cached(3)).toBe(false);
  });

  it('reads a line that commits after a newer one, and reads past an id that never comes once it waited 10 s', async () => {
    await feed.poll();
    table.commit({ id: 1, userId: 9, tokenId: 4 }, { id: 3, userId: 9, tokenId: 4 });
    await feed.poll();
    expect(table.reads.at(-1)).toBe(0);

    // Line 2 was given its id first and committed last.
    table.commit({ id: 2, userId: 8, tokenId: 3 });
    await feed.poll();
    expect(cached(3)).toBe(false);
    expect(table.reads.at(-1)).toBe(1);

    table.commit({ id: 5, userId: 7, tokenId: 1 });
    await feed.poll();
    clock.advance(9_999);
    await feed.poll();
    expect(table.reads.at(-1)).toBe(3);
    clock.advance(1);
    await feed.poll();
    await feed.poll();
    // Id 4 was rolled back: after 10 s the feed reads after 5.
    expect(table.reads.at(-1)).toBe(5);
  });

  it('reads on while batches come back full', async () => {
    await feed.poll();
    table.commit(...Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, userId: 100, tokenId: 100 + i })), {
      id: 2501,
      userId: 7,
      tokenId: 2,
    });

    await feed.poll();

    expect(table.reads.slice(-3)).toEqual([0, 1000, 2000]);
    expect(cached(2)).toBe(false);
  });

  it('trusts an entry for its first 5 s always, and after that only while the log is read', async () => {
    const madeAt = clock.now().getTime();
    const trustedAfter = (ms: number) => feed.trusts(madeAt, madeAt + ms);
    expect(trustedAfter(UNCONFIRMED_TRUST_MS)).toBe(true);
    expect(trustedAfter(UNCONFIRMED_TRUST_MS + 1)).toBe(false);

    clock.advance(30_000);
    await feed.poll();
    expect(trustedAfter(30_000)).toBe(true);
    // Two polls of 250 ms late, and half a second more: then it falls back to the 5 s rule.
    expect(trustedAfter(31_000)).toBe(true);
    expect(trustedAfter(31_001)).toBe(false);
  });

  it('falls back to the 5 s rule while the log cannot be read, and recovers when it can', async () => {
    await feed.poll();
    const madeAt = clock.now().getTime();
    table.down = true;
    clock.advance(6_000);
    await feed.poll();
    expect(feed.trusts(madeAt, clock.now().getTime())).toBe(false);

    table.down = false;
    table.commit({ id: 1, userId: 9, tokenId: 4 });
    await feed.poll();

    expect(feed.trusts(madeAt, clock.now().getTime())).toBe(true);
    expect(cached(4)).toBe(false);
  });

  it('runs one read at a time', async () => {
    await Promise.all([feed.poll(), feed.poll(), feed.poll()]);
    expect(table.reads).toHaveLength(1);
    await feed.poll();
    expect(table.reads).toHaveLength(2);
  });
});
