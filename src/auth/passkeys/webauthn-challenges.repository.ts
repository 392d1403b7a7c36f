import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { WebAuthnCeremony, WebAuthnChallenge } from './webauthn-challenge.entity';
import { DeadRowStep, PrunesDeadRows } from '../../database/dead-rows';

/** Reads and writes `webauthn_challenges`. */
@PrunesDeadRows('webAuthnChallenges')
@Injectable()
export class WebAuthnChallengesRepository implements DeadRowStep {
  constructor(@InjectRepository(WebAuthnChallenge) private readonly challenges: Repository<WebAuthnChallenge>) {}

  async insert(challenge: Omit<WebAuthnChallenge, 'id' | 'user'>): Promise<void> {
    await this.challenges.insert(challenge);
  }

  /**
   * Deletes and returns the live challenge of this digest, ceremony and
   * user, locked first: of requests racing on one challenge, one gets it, so
   * that it is used once whatever the outcome of the ceremony that used it.
   */
  async take(
    challengeHash: Buffer,
    ceremony: WebAuthnCeremony,
    userId: number | null,
    now: Date,
    transaction: Transaction,
  ): Promise<WebAuthnChallenge | null> {
    const challenges = transaction.getRepository(WebAuthnChallenge);
    const challenge = await challenges.findOne({
      where: { challengeHash, ceremony, userId: userId === null ? IsNull() : userId, expiresAt: MoreThan(now) },
      lock: { mode: 'pessimistic_write' },
    });
    if (challenge) await challenges.delete({ id: challenge.id });
    return challenge;
  }

  /** A user adds one passkey at a time: a new registration's challenge replaces the ones before. */
  async deleteRegistrationsOf(userId: number): Promise<void> {
    await this.challenges.delete({ ceremony: 'registration', userId });
  }

  /** Deletes up to `limit` expired challenges (used ones are deleted at once); returns how many. */
  async pruneDead(now: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.challenges.query(
      'DELETE FROM webauthn_challenges WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      [now, limit],
    );
    return result.affectedRows;
  }
}
