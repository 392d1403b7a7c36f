import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Repository } from 'typeorm';
import { retryingDeadlocks } from '../../common/errors/database-errors';
import type { Transaction } from '../../database/unit-of-work';
import { ThrottleCounter } from './throttle-counter.entity';

export interface CounterState {
  keyHash: Buffer;
  hits: number;
  windowEndsAt: Date;
}

/** Reads and writes `throttle_counters`. */
@Injectable()
export class ThrottleCountersRepository {
  constructor(@InjectRepository(ThrottleCounter) private readonly counters: Repository<ThrottleCounter>) {}

  /** The counters among `keys` whose window is still open at `now` (as the transaction sees them, when one is given). */
  findOpen(keys: Buffer[], now: Date, transaction?: Transaction): Promise<CounterState[]> {
    return (transaction ? transaction.getRepository(ThrottleCounter) : this.counters).find({
      select: { keyHash: true, hits: true, windowEndsAt: true },
      where: { keyHash: In(keys), windowEndsAt: MoreThan(now) },
    });
  }

  /**
   * Adds one hit in a single atomic statement, so concurrent instances never
   * lose a count: a closed window restarts at 1 and ends at `windowEndsAt`.
   * Both assignments read the old `window_ends_at`, as MySQL applies them in
   * order and the first does not change it. Returns the count after the hit,
   * handed back through LAST_INSERT_ID(expr) to save a second query (which
   * holds only while the table has no AUTO_INCREMENT column). In the
   * caller's transaction when one is given: the count then lands with the
   * change it counts, or not at all.
   */
  increment(key: Buffer, now: Date, windowEndsAt: Date, transaction?: Transaction): Promise<number> {
    // A deadlock rolls a transaction back whole: the unit of work runs it again, not this statement alone.
    if (transaction) return this.incrementOnce(key, now, windowEndsAt, transaction);
    // The pruning of closed windows can deadlock with a count on a row it deletes.
    return retryingDeadlocks(() => this.incrementOnce(key, now, windowEndsAt));
  }

  private async incrementOnce(key: Buffer, now: Date, windowEndsAt: Date, transaction?: Transaction): Promise<number> {
    const sql = `INSERT INTO throttle_counters (key_hash, hits, window_ends_at) VALUES (?, LAST_INSERT_ID(1), ?)
       ON DUPLICATE KEY UPDATE
         hits = LAST_INSERT_ID(IF(window_ends_at <= ?, 1, hits + 1)),
         window_ends_at = IF(window_ends_at <= ?, ?, window_ends_at)`;
    const parameters = [key, windowEndsAt, now, now, windowEndsAt];
    const result: { insertId: number } = await (transaction ? transaction.query(sql, parameters) : this.counters.query(sql, parameters));
    return Number(result.insertId);
  }

  /** Takes back one hit of a window still open; never below zero. */
  async decrement(key: Buffer, now: Date): Promise<void> {
    await this.counters
      .createQueryBuilder()
      .update(ThrottleCounter)
      .set({ hits: () => 'hits - 1' })
      .where('key_hash = :key', { key })
      .andWhere('hits > 0')
      .andWhere('window_ends_at > :now', { now })
      .execute();
  }

  /** Deletes up to `limit` counters whose window has closed; returns how many. */
  async deleteClosed(now: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.counters.query(
      'DELETE FROM throttle_counters WHERE window_ends_at <= ? ORDER BY window_ends_at LIMIT ?',
      [now, limit],
    );
    return result.affectedRows;
  }

  async delete(key: Buffer): Promise<void> {
    await this.counters.delete({ keyHash: key });
  }
}
