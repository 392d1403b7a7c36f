import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { UnitOfWork } from '../../database/unit-of-work';
import { User, UserRole } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { joinScopes, splitScopes } from '../scopes/scopes';
import type { RequestClient } from '../../common/http/request-client.decorator';
import { AttemptThrottleService } from '../throttling/attempt-throttle.service';
import { BearerSecretAttempts } from '../throttling/bearer-secret-attempts';
import { verifiesChallenge } from '../../common/crypto/pkce';
import { mfaTokens } from './mfa-challenge.codec';
import { LoginTransport } from './mfa-challenge.entity';
import { MfaChallengesRepository } from './mfa-challenges.repository';
import { CodeOwner, SecondFactorService, SecondFactorKind } from './second-factor.service';

export const MFA_CHALLENGE_TTL_SECONDS = 300;
/** Wrong codes a challenge takes; the next login starts a new one, on the same account's failure counter. */
export const MFA_CHALLENGE_MAX_FAILURES = 5;

export interface StartedChallenge {
  mfaToken: string;
  expiresInSeconds: number;
}

export interface FinishedChallenge {
  userId: number;
  role: UserRole;
  /** The user's security stamp when the password was checked, unchanged since. */
  credentialVersion: number;
  transport: LoginTransport;
  factor: SecondFactorKind;
  /** What the login asked for; null when it asked for no scope in particular. */
  requestedScopes: string[] | null;
  /** Whether it asked for a refresh token too. */
  offlineAccess: boolean;
  /** The identity provider the first step went through; null after a password. */
  provider: string | null;
}

/**
 * What a login that waits for its second factor will hand out. A sign-in
 * through a provider in token mode also names the app's PKCE challenge:
 * only the app that started it may finish it.
 */
export type PendingLogin = Pick<FinishedChallenge, 'transport' | 'requestedScopes' | 'offlineAccess'> & {
  provider?: string;
  appCodeChallenge?: string;
};

type Attempt = FinishedChallenge | 'expired' | 'wrong';

/**
 * Logins waiting for their second factor. A challenge is started after the
 * right password only, and finished by a code of that user: once, within
 * five minutes, and before five wrong codes. Each code is a check of a secret
 * of the account (AttemptThrottleService): wrong ones count as failed logins.
 */
@Injectable()
export class MfaChallengesService {
  constructor(
    private readonly challenges: MfaChallengesRepository,
    private readonly secondFactor: SecondFactorService,
    private readonly users: UsersService,
    private readonly throttle: AttemptThrottleService,
    private readonly unknownTokens: BearerSecretAttempts,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** A challenge for the user whose password was checked when their security stamp was `credentialVersion`. */
  async start(
    userId: number,
    credentialVersion: number,
    { transport, requestedScopes, offlineAccess, provider, appCodeChallenge }: PendingLogin,
  ): Promise<StartedChallenge> {
    const now = this.clock.now();
    const mfaToken = mfaTokens.generate();
    await this.challenges.insert({
      tokenHash: mfaTokens.digest(mfaToken),
      userId,
      credentialVersion,
      transport,
      requestedScopes: requestedScopes === null ? null : joinScopes(requestedScopes),
      offlineAccess,
      provider: provider ?? null,
      appCodeChallenge: appCodeChallenge ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + MFA_CHALLENGE_TTL_SECONDS * 1000),
    });
    return { mfaToken, expiresInSeconds: MFA_CHALLENGE_TTL_SECONDS };
  }

  /**
   * Finishes the login of `mfaToken` with `code`. `admit` sees the login's
   * transport before any code is checked and may refuse (the cookie login's
   * origin rule). 401 MFA_CHALLENGE_EXPIRED for a challenge unknown, expired,
   * used or spent; 400 INVALID_GRANT for a challenge of an app's flow without
   * that app's `codeVerifier`; 403 INVALID_MFA_CODE for a wrong code.
   */
  async finish(
    mfaToken: string,
    code: string | undefined,
    client: RequestClient,
    admit: (transport: LoginTransport) => void,
    codeVerifier?: string,
  ): Promise<FinishedChallenge> {
    const clientAddress = client.ip;
    this.unknownTokens.assertAllowed(clientAddress);
    const challenge = mfaTokens.isWellFormed(mfaToken)
      ? await this.challenges.findLive(mfaTokens.digest(mfaToken), this.clock.now())
      : null;
    const owner = challenge ? await this.activeUser(challenge.userId, challenge.credentialVersion) : null;
    if (!challenge || !owner) {
      this.unknownTokens.failed(clientAddress);
      throw new DomainError('MFA_CHALLENGE_EXPIRED');
    }
    admit(challenge.transport);
    if (challenge.appCodeChallenge !== null && !verifiesChallenge(codeVerifier, challenge.appCodeChallenge)) {
      this.unknownTokens.failed(clientAddress);
      throw new DomainError('INVALID_GRANT', 'The codeVerifier does not match the sign-in that started this challenge');
    }
    // Only a right code is a success: one that lost the race for the challenge is no verdict, and clears no failure.
    const attempt = await this.throttle.checkSecret(owner.email, clientAddress, async () => {
      const outcome = await this.tryCode(challenge.tokenHash, owner, code);
      if (outcome === 'expired') throw new DomainError('MFA_CHALLENGE_EXPIRED');
      if (outcome === 'wrong') {
        this.secondFactor.reportFailure(owner.id, { client });
        throw new DomainError('INVALID_MFA_CODE');
      }
      return outcome;
    });
    this.secondFactor.reportUse(attempt.userId, attempt.factor, { client });
    return attempt;
  }

  /**
   * The check itself, with the challenge locked: of requests racing on one
   * challenge, one at a time sees it, so that it finishes once and counts
   * every wrong code. A wrong code's count is committed, not rolled back.
   */
  private tryCode(tokenHash: Buffer, owner: CodeOwner & { role: UserRole }, code: string | undefined): Promise<Attempt> {
    return this.unitOfWork.run(async (transaction): Promise<Attempt> => {
      const challenge = await this.challenges.findLive(tokenHash, this.clock.now(), transaction);
      if (!challenge) return 'expired';
      const factor = await this.secondFactor.check(owner, code, transaction);
      if (factor === null) {
        if (challenge.failedAttempts + 1 >= MFA_CHALLENGE_MAX_FAILURES) await this.challenges.delete(challenge.id, transaction);
        else await this.challenges.recordFailure(challenge.id, transaction);
        return 'wrong';
      }
      await this.challenges.delete(challenge.id, transaction);
      return {
        userId: challenge.userId,
        role: owner.role,
        credentialVersion: challenge.credentialVersion,
        transport: challenge.transport,
        factor,
        requestedScopes: challenge.requestedScopes === null ? null : splitScopes(challenge.requestedScopes),
        offlineAccess: challenge.offlineAccess,
        provider: challenge.provider,
      };
    });
  }

  /** The user, while active and with the stamp the password was checked under: a change of credentials since ends the challenge. */
  private async activeUser(userId: number, credentialVersion: number): Promise<User | null> {
    const user = await this.users.findById(userId);
    return user?.isActive && user.credentialVersion === credentialVersion ? user : null;
  }
}
