import { mock } from 'jest-mock-extended';
import { randomBytes } from 'node:crypto';
import { FakeClock } from '../../../test/support/fake-clock';
import { hotp } from '../../../test/support/totp';
import { Transaction, UnitOfWork } from '../../database/unit-of-work';
import { Outbox } from '../../mail/outbox';
import { UsersService } from '../../users/users.service';
import { SecurityEventLog } from '../security-events/security-event-log';
import { MfaMails } from './mfa.mails';
import { EncryptedSecret, MfaSecretCipher } from './mfa-secret.cipher';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { SecondFactorService } from './second-factor.service';
import { TotpFactor } from './totp-factor.entity';
import { TotpFactorsRepository } from './totp-factors.repository';

/** The table's one row, in memory: acceptStep keeps the rule of the conditional UPDATE (a later step only). */
class InMemoryTotpFactors {
  factor: TotpFactor | null = null;

  find(): Promise<TotpFactor | null> {
    return Promise.resolve(this.factor);
  }

  replace(userId: number, secret: EncryptedSecret, now: Date): Promise<void> {
    this.factor = Object.assign(new TotpFactor(), {
      userId,
      secretCiphertext: secret.ciphertext,
      keyId: secret.keyId,
      lastUsedStep: null,
      createdAt: now,
    });
    return Promise.resolve();
  }

  acceptStep(_userId: number, step: number): Promise<boolean> {
    if (!this.factor || (this.factor.lastUsedStep !== null && this.factor.lastUsedStep >= step)) return Promise.resolve(false);
    this.factor.lastUsedStep = step;
    return Promise.resolve(true);
  }

  reencrypt(): Promise<void> {
    return Promise.resolve();
  }
}

describe('SecondFactorService: the TOTP window and replay, on an injected clock', () => {
  const owner = { id: 7, email: 'ada@example.com' };
  const transaction = mock<Transaction>();
  // 2026-01-01T00:00:00Z is the start of a 30-second step.
  const clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
  const step = () => Math.floor(clock.now().getTime() / 30_000);
  let factors: InMemoryTotpFactors;
  let secondFactor: SecondFactorService;
  let secret: Buffer;

  beforeEach(async () => {
    factors = new InMemoryTotpFactors();
    const repository = mock<TotpFactorsRepository>();
    repository.find.mockImplementation(() => factors.find());
    repository.replace.mockImplementation((userId, secret, now) => factors.replace(userId, secret, now));
    repository.acceptStep.mockImplementation((userId, acceptedStep) => factors.acceptStep(userId, acceptedStep));
    repository.reencrypt.mockImplementation(() => factors.reencrypt());
    const cipher = new MfaSecretCipher({
      encryptionKey: randomBytes(32),
      previousEncryptionKeys: [],
      issuer: 'Test',
      unreadableSecretsStopStartup: false,
    });
    secondFactor = new SecondFactorService(
      repository,
      mock<RecoveryCodesRepository>(),
      cipher,
      mock<Outbox>(),
      new MfaMails(),
      mock<UsersService>(),
      mock<UnitOfWork>(),
      mock<SecurityEventLog>(),
      clock,
    );
    secret = await secondFactor.newSecret(owner.id, transaction);
  });

  it('accepts the codes of the step before, this one and the next; refuses those two steps away', async () => {
    expect(await secondFactor.check(owner, hotp(secret, step() - 2), transaction)).toBeNull();
    expect(await secondFactor.check(owner, hotp(secret, step() + 2), transaction)).toBeNull();
    expect(await secondFactor.check(owner, hotp(secret, step() - 1), transaction)).toBe('totp');
    expect(await secondFactor.check(owner, hotp(secret, step()), transaction)).toBe('totp');
    expect(await secondFactor.check(owner, hotp(secret, step() + 1), transaction)).toBe('totp');
  });

  it('refuses a code again for the rest of its window, and then as a stale one', async () => {
    const code = hotp(secret, step());
    expect(await secondFactor.check(owner, code, transaction)).toBe('totp');

    expect(await secondFactor.check(owner, code, transaction)).toBeNull();
    clock.advance(29_000);
    expect(await secondFactor.check(owner, code, transaction)).toBeNull();
    clock.advance(2_000);
    expect(await secondFactor.check(owner, code, transaction)).toBeNull();
    expect(await secondFactor.check(owner, hotp(secret, step()), transaction)).toBe('totp');
  });

  it('refuses an earlier step’s code once a later one was accepted', async () => {
    expect(await secondFactor.check(owner, hotp(secret, step() + 1), transaction)).toBe('totp');
    expect(await secondFactor.check(owner, hotp(secret, step()), transaction)).toBeNull();
  });

  it('takes a code typed with a space in the middle, as apps show it', async () => {
    const code = hotp(secret, step());
    expect(await secondFactor.check(owner, `${code.slice(0, 3)} ${code.slice(3)}`, transaction)).toBe('totp');
  });

  it('refuses a missing code, or a null one (found by the fuzz suite: it threw)', async () => {
    expect(await secondFactor.check(owner, undefined, transaction)).toBeNull();
    expect(await secondFactor.check(owner, null, transaction)).toBeNull();
  });
});
