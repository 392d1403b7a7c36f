import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from '../../common/time/clock';
import { UnitOfWork } from '../../database/unit-of-work';
import { WebAuthnCeremony, WebAuthnChallenge } from './webauthn-challenge.entity';
import { WebAuthnChallengesRepository } from './webauthn-challenges.repository';

export const WEBAUTHN_CHALLENGE_TTL_SECONDS = 300;

const digest = (challenge: string) => createHash('sha256').update(challenge, 'utf8').digest();

export type IssuedChallenge = Pick<WebAuthnChallenge, 'ceremony' | 'userId' | 'userHandle'>;

/**
 * The challenges of WebAuthn ceremonies (the library's, 32 random bytes): kept server-side by digest
 * (a copy of the table gives nobody a challenge to answer), used once, for
 * five minutes, by the ceremony and the user they were issued for.
 */
@Injectable()
export class WebAuthnChallenges {
  constructor(
    private readonly challenges: WebAuthnChallengesRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Keeps the challenge of options about to be handed out, as they carry it (base64url). A registration's replaces the user's earlier ones. */
  async remember(challenge: string, { ceremony, userId, userHandle }: IssuedChallenge): Promise<void> {
    if (ceremony === 'registration' && userId !== null) await this.challenges.deleteRegistrationsOf(userId);
    const now = this.clock.now();
    await this.challenges.insert({
      challengeHash: digest(challenge),
      ceremony,
      userId,
      userHandle,
      createdAt: now,
      expiresAt: new Date(now.getTime() + WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000),
    });
  }

  /** Uses up the challenge a response answers: it, once, when it is live and was issued for this ceremony and user; else null. */
  take(challenge: string, ceremony: WebAuthnCeremony, userId: number | null): Promise<IssuedChallenge | null> {
    return this.unitOfWork.run((transaction) => this.challenges.take(digest(challenge), ceremony, userId, this.clock.now(), transaction));
  }
}
