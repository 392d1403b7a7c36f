import { createHash } from 'node:crypto';
import { mock } from 'jest-mock-extended';
import { FakeClock } from '../../../test/support/fake-clock';
import { DomainError } from '../../common/errors/domain-error';
import { Transaction, UnitOfWork } from '../../database/unit-of-work';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { AttemptThrottleService } from '../throttling/attempt-throttle.service';
import { BearerSecretAttempts } from '../throttling/bearer-secret-attempts';
import { mfaTokens } from './mfa-challenge.codec';
import { MfaChallenge } from './mfa-challenge.entity';
import { MFA_CHALLENGE_MAX_FAILURES, MfaChallengesService } from './mfa-challenges.service';
import { MfaChallengesRepository } from './mfa-challenges.repository';
import { SecondFactorService } from './second-factor.service';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };

describe('MfaChallengesService.finish', () => {
  const transaction = mock<Transaction>();
  const challengeWith = (failedAttempts: number, appCodeChallenge: string | null = null) =>
    Object.assign(new MfaChallenge(), {
      id: 3,
      userId: 7,
      transport: 'bearer',
      requestedScopes: 'account',
      offlineAccess: true,
      appCodeChallenge,
      provider: appCodeChallenge === null ? null : 'google',
      failedAttempts,
      tokenHash: Buffer.alloc(32),
    });

  const setup = (failedAttempts = 0, appCodeChallenge: string | null = null) => {
    const challenges = mock<MfaChallengesRepository>();
    challenges.findLive.mockResolvedValue(challengeWith(failedAttempts, appCodeChallenge));
    const secondFactor = mock<SecondFactorService>();
    const users = mock<UsersService>();
    users.findById.mockResolvedValue(Object.assign(new User(), { id: 7, email: 'ada@example.com', isActive: true, role: 'user' }));
    const throttle = mock<AttemptThrottleService>();
    // What the check answered, as the throttle saw it: a verdict it counts, or no verdict.
    const verdicts: unknown[] = [];
    throttle.checkSecret.mockImplementation(async (_email, _client, check) => {
      try {
        const result = await check();
        verdicts.push('success');
        return result;
      } catch (error) {
        verdicts.push(error instanceof DomainError ? error.code : error);
        throw error;
      }
    });
    const unitOfWork = mock<UnitOfWork>();
    unitOfWork.run.mockImplementation((work) => work(transaction));
    const service = new MfaChallengesService(
      challenges,
      secondFactor,
      users,
      throttle,
      mock<BearerSecretAttempts>(),
      unitOfWork,
      new FakeClock(),
    );
    return { service, challenges, secondFactor, verdicts };
  };
  const mfaToken = mfaTokens.generate();
  const admitAll = () => undefined;

  it('finishes once with a right code: the challenge is deleted in the same transaction', async () => {
    const { service, challenges, secondFactor, verdicts } = setup();
    secondFactor.check.mockResolvedValue('totp');

    await expect(service.finish(mfaToken, '123456', CLIENT, admitAll)).resolves.toEqual({
      userId: 7,
      role: 'user',
      transport: 'bearer',
      factor: 'totp',
      requestedScopes: ['account'],
      offlineAccess: true,
      provider: null,
    });
    expect(challenges.delete).toHaveBeenCalledWith(3, transaction);
    expect(verdicts).toEqual(['success']);
  });

  it("asks a token-mode provider sign-in for its app's verifier before any code, and counts a wrong one as an unknown secret", async () => {
    const verifier = 'v'.repeat(43);
    const { service, secondFactor, verdicts } = setup(0, createHash('sha256').update(verifier).digest('base64url'));
    secondFactor.check.mockResolvedValue('totp');

    await expect(service.finish(mfaToken, '123456', CLIENT, admitAll)).rejects.toBeDomainError('INVALID_GRANT', 400);
    await expect(service.finish(mfaToken, '123456', CLIENT, admitAll, 'w'.repeat(43))).rejects.toBeDomainError('INVALID_GRANT', 400);
    expect(verdicts).toEqual([]);
    await expect(service.finish(mfaToken, '123456', CLIENT, admitAll, verifier)).resolves.toMatchObject({ userId: 7, provider: 'google' });
  });

  it('counts a wrong code on the challenge and as a wrong secret; the fifth deletes the challenge', async () => {
    const { service, challenges, secondFactor, verdicts } = setup(MFA_CHALLENGE_MAX_FAILURES - 2);
    secondFactor.check.mockResolvedValue(null);

    await expect(service.finish(mfaToken, '000000', CLIENT, admitAll)).rejects.toBeDomainError('INVALID_MFA_CODE', 403);
    expect(challenges.recordFailure).toHaveBeenCalledWith(3, transaction);
    expect(verdicts).toEqual(['INVALID_MFA_CODE']);

    challenges.findLive.mockResolvedValue(challengeWith(MFA_CHALLENGE_MAX_FAILURES - 1));
    await expect(service.finish(mfaToken, '000000', CLIENT, admitAll)).rejects.toBeDomainError('INVALID_MFA_CODE', 403);
    expect(challenges.delete).toHaveBeenCalledWith(3, transaction);
  });

  it('gives a request that lost the race for the challenge no success: the throttle sees MFA_CHALLENGE_EXPIRED, and no code is checked', async () => {
    const { service, challenges, secondFactor, verdicts } = setup();
    // Live when first looked up; gone once this request holds the lock.
    challenges.findLive.mockResolvedValueOnce(challengeWith(0)).mockResolvedValueOnce(null);

    await expect(service.finish(mfaToken, '123456', CLIENT, admitAll)).rejects.toBeDomainError('MFA_CHALLENGE_EXPIRED', 401);
    expect(verdicts).toEqual(['MFA_CHALLENGE_EXPIRED']);
    expect(secondFactor.check).not.toHaveBeenCalled();
  });

  it('lets `admit` refuse the transport before any code is checked or counted', async () => {
    const { service, secondFactor, verdicts } = setup();

    await expect(
      service.finish(mfaToken, '123456', CLIENT, () => {
        throw new DomainError('CSRF_FAILED');
      }),
    ).rejects.toBeDomainError('CSRF_FAILED', 403);
    expect(secondFactor.check).not.toHaveBeenCalled();
    expect(verdicts).toEqual([]);
  });
});
