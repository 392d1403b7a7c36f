import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig, databaseConfig, DatabaseConfig } from '../../config/app.config';
import { AccessTokenCache } from './access-token.cache';
import { Revocation, TokenRevocationsRepository } from './token-revocations.repository';

/** How long a cached token check is trusted whatever the log says: the cache's lifetime before the log existed. */
export const UNCONFIRMED_TRUST_MS = 5000;
/**
 * An id below the newest one read that has not appeared after this long was
 * never committed (a rolled-back insert, a deadlock's victim): no transaction
 * here holds its row that long.
 */
const HOLE_WAIT_MS = 10_000;
/** Lines read per query; a poll reads on while batches come back full. */
const BATCH = 1000;
/** Lines before the newest read again at start: a transaction still open then commits them late. */
const STARTUP_LOOKBACK = 1000;

/**
 * Reads the revocation log every REVOCATION_POLL_MS (one indexed range query
 * for the lines after the last one settled) and drops what each line names
 * from this instance's token cache: a revocation made anywhere reaches every
 * instance within a poll, so the cache may keep entries for
 * TOKEN_CACHE_TTL_MS.
 *
 * Ids are given out when a line is inserted, not when it commits, so a line
 * may appear after a newer one: ids missing below the newest read are read
 * again at every poll until they appear or HOLE_WAIT_MS has passed.
 *
 * While the log cannot be read, `trusts` vouches only for entries younger
 * than UNCONFIRMED_TRUST_MS, as the cache did before the log: an outage never
 * lets a revoked token live longer than that.
 */
@Injectable()
export class RevocationFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationFeed.name);
  /** Every id up to this one is applied or known never to come. */
  private settledUpTo: number | null = null;
  /** Ids above settledUpTo already applied. */
  private readonly applied = new Set<number>();
  /** Ids above settledUpTo not read yet, with when they were first missed. */
  private readonly missing = new Map<number, number>();
  /** When the last read that succeeded started (clock time, ms). */
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | null = null;
  private failing = false;
  private timer?: NodeJS.Timeout;
  private readonly freshForMs: number;
  /** Whether token lookups may read a replica: their answers are then checked against the revocations read here. */
  private readonly replicasRead: boolean;

  constructor(
    private readonly repository: TokenRevocationsRepository,
    private readonly cache: AccessTokenCache,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Inject(databaseConfig.KEY) database: DatabaseConfig,
  ) {
    // Two polls may fail or run late before the older entries stop being trusted: within a second at the default.
    this.freshForMs = 2 * config.revocationPollMs + 500;
    this.replicasRead = database.replicaUrls.length > 0;
  }

  onApplicationBootstrap(): void {
    if ((this.config.tokenCacheTtlMs === 0 && !this.replicasRead) || this.config.revocationPollMs === 0) return;
    this.timer = setInterval(() => void this.poll(), this.config.revocationPollMs);
    this.timer.unref();
  }

  /** Stops the polls (at shutdown; tests poll by hand). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onApplicationShutdown(): Promise<void> {
    this.stop();
    return this.reading ?? Promise.resolve();
  }

  /** Whether a cache entry made at `cachedAt` may still answer at `now` (both clock times, ms). */
  trusts(cachedAt: number, now: number): boolean {
    return now - cachedAt <= UNCONFIRMED_TRUST_MS || this.isCurrent(now);
  }

  /**
   * Whether the log was read within two polls of `now`: only then does this
   * instance know of every revocation a replica may not have applied yet.
   */
  isCurrent(now: number): boolean {
    return this.config.revocationPollMs > 0 && now - this.lastReadAt <= this.freshForMs;
  }

  /** Reads the log once (one read at a time: a call during a read waits for it). */
  poll(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const startedAt = this.clock.now().getTime();
    try {
      if (this.settledUpTo === null) this.settledUpTo = Math.max(0, (await this.repository.newestId()) - STARTUP_LOOKBACK);
      let after = this.settledUpTo;
      for (;;) {
        const lines = await this.repository.readAfter(after, BATCH);
        for (const line of lines) this.apply(line);
        if (lines.length < BATCH) break;
        after = lines[lines.length - 1].id;
      }
      this.settle(startedAt);
      this.lastReadAt = startedAt;
      if (this.failing) this.logger.log({ event: 'revocations.read_resumed' });
      this.failing = false;
    } catch (error) {
      // Once per outage: a line every 250 ms would drown the log.
      if (!this.failing) this.logger.warn({ event: 'revocations.read_failed', error: (error as Error).message });
      this.failing = true;
    }
  }

  private apply(line: Revocation): void {
    if (line.id <= this.settledUpTo! || this.applied.has(line.id)) return;
    this.applied.add(line.id);
    this.missing.delete(line.id);
    if (line.tokenId === null) this.cache.forgetUser(line.userId);
    else this.cache.forgetTokens([line.tokenId]);
  }

  /** Notes the ids still missing below the newest applied, and moves settledUpTo over every id that is done with. */
  private settle(now: number): void {
    let newest = this.settledUpTo!;
    for (const id of this.applied) if (id > newest) newest = id;
    for (let id = this.settledUpTo! + 1; id < newest; id++) {
      if (!this.applied.has(id) && !this.missing.has(id)) this.missing.set(id, now);
    }
    for (;;) {
      const next = this.settledUpTo! + 1;
      if (this.applied.delete(next)) this.settledUpTo = next;
      else if (now - (this.missing.get(next) ?? now) >= HOLE_WAIT_MS) {
        this.missing.delete(next);
        this.settledUpTo = next;
      } else break;
    }
  }
}
