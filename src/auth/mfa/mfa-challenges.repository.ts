import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { MfaChallenge } from './mfa-challenge.entity';
import { DeadRowStep, PrunesDeadRows } from '../../database/dead-rows';

/** Reads and writes `mfa_challenges`. */
@PrunesDeadRows('mfaChallenges')
@Injectable()
export class MfaChallengesRepository implements DeadRowStep {
  constructor(@InjectRepository(MfaChallenge) private readonly challenges: Repository<MfaChallenge>) {}

  private repository(transaction?: Transaction): Repository<MfaChallenge> {
    return transaction ? transaction.getRepository(MfaChallenge) : this.challenges;
  }

  async insert(challenge: Omit<MfaChallenge, 'id' | 'user' | 'failedAttempts'>): Promise<void> {
    await this.challenges.insert({ ...challenge, failedAttempts: 0 });
  }

  /** The unexpired challenge with this digest, locked for the transaction when one is given. */
  findLive(tokenHash: Buffer, now: Date, transaction?: Transaction): Promise<MfaChallenge | null> {
    return this.repository(transaction).findOne({
      where: { tokenHash, expiresAt: MoreThan(now) },
      ...(transaction ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  async recordFailure(id: number, transaction: Transaction): Promise<void> {
    await this.repository(transaction).increment({ id }, 'failedAttempts', 1);
  }

  async delete(id: number, transaction: Transaction): Promise<void> {
    await this.repository(transaction).delete({ id });
  }

  /** Deletes up to `limit` expired challenges (used and spent ones are deleted at once); returns how many. */
  async pruneDead(now: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.challenges.query(
      'DELETE FROM mfa_challenges WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      [now, limit],
    );
    return result.affectedRows;
  }
}
