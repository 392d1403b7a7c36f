import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { Transaction, UnitOfWork } from '../../database/unit-of-work';
import { Outbox } from '../../mail/outbox';
import { UsersService } from '../../users/users.service';
import { EventOrigin, SecurityEventLog } from '../security-events/security-event-log';
import { MfaMails } from './mfa.mails';
import { MfaSecretCipher, UnreadableSecretError } from './mfa-secret.cipher';
import { digestRecoveryCode, generateRecoveryCode, normaliseRecoveryCode, RECOVERY_CODES_PER_SET } from './recovery-code.codec';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { generateTotpSecret, matchingTotpStep, TOTP_CODE_SHAPE } from './totp';
import { TotpFactorsRepository } from './totp-factors.repository';

export type SecondFactorKind = 'totp' | 'recovery_code';

/** Whose code is checked: the id, and the address a notice goes to. */
export interface CodeOwner {
  id: number;
  email: string;
}

/**
 * The second factor of an account: its TOTP secret and its recovery codes,
 * and the one check of a `code` every route that takes one goes through.
 */
@Injectable()
export class SecondFactorService {
  private readonly logger = new Logger(SecondFactorService.name);

  constructor(
    private readonly factors: TotpFactorsRepository,
    private readonly recoveryCodes: RecoveryCodesRepository,
    private readonly cipher: MfaSecretCipher,
    private readonly outbox: Outbox,
    private readonly mails: MfaMails,
    private readonly users: UsersService,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: SecurityEventLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks `code` in the caller's transaction: a TOTP code of the user's
   * secret (pending or in force), accepted once per time step; or one of
   * their recovery codes, used up, with a notice mailed. Null for a missing,
   * malformed, wrong or replayed code. Logs nothing: the caller reports the
   * use (`reportUse`) once the transaction has committed.
   */
  async check(owner: CodeOwner, code: string | null | undefined, transaction: Transaction): Promise<SecondFactorKind | null> {
    // The validator lets an optional field through as null too.
    if (typeof code !== 'string') return null;
    const digits = code.replace(/\s/g, '');
    if (TOTP_CODE_SHAPE.test(digits)) return (await this.checkTotp(owner.id, digits, transaction)) ? 'totp' : null;
    const recoveryCode = normaliseRecoveryCode(code);
    if (recoveryCode === null || !(await this.recoveryCodes.consume(owner.id, digestRecoveryCode(recoveryCode), transaction))) {
      return null;
    }
    const codesLeft = await this.recoveryCodes.count(owner.id, transaction);
    await this.outbox.enqueue(this.mails.recoveryCodeUsedNotice(owner.email, codesLeft), transaction);
    return 'recovery_code';
  }

  /** A wrong code, wherever one was asked: a security event. */
  reportFailure(userId: number, origin: EventOrigin): void {
    this.events.record('mfa.failed', userId, origin);
  }

  /** Logs a code accepted by `check`, after its transaction committed: a recovery code's use is a security event. */
  reportUse(userId: number, kind: SecondFactorKind, origin: EventOrigin = {}): void {
    if (kind !== 'recovery_code') return;
    this.events.record('mfa.recovery_code_used', userId, origin);
  }

  /**
   * Runs `work` in one transaction, with the user's row locked, after a right
   * `code`: 409 MFA_NOT_ENABLED when MFA is off, 403 INVALID_MFA_CODE for a
   * wrong code, and then nothing is written. A recovery code is used up only
   * if the work lands too.
   */
  withCode<Result>(
    owner: CodeOwner,
    code: string | undefined,
    origin: EventOrigin,
    work: (transaction: Transaction) => Promise<Result>,
  ): Promise<Result> {
    return this.run(owner, code, origin, work, 'refuse');
  }

  /** As withCode when MFA is on; when it is off, the work runs with no code asked. */
  withCodeIfEnabled<Result>(
    owner: CodeOwner,
    code: string | undefined,
    origin: EventOrigin,
    work: (transaction: Transaction) => Promise<Result>,
  ): Promise<Result> {
    return this.run(owner, code, origin, work, 'skip-check');
  }

  private async run<Result>(
    owner: CodeOwner,
    code: string | undefined,
    origin: EventOrigin,
    work: (transaction: Transaction) => Promise<Result>,
    whenDisabled: 'refuse' | 'skip-check',
  ): Promise<Result> {
    const { kind, result } = await this.unitOfWork.run(async (transaction) => {
      const user = await this.users.lockById(owner.id, transaction);
      if (user.mfaEnabledAt === null) {
        if (whenDisabled === 'refuse') throw new DomainError('MFA_NOT_ENABLED');
        return { kind: null, result: await work(transaction) };
      }
      const accepted = await this.check(owner, code, transaction);
      if (accepted === null) {
        this.reportFailure(owner.id, origin);
        throw new DomainError('INVALID_MFA_CODE');
      }
      return { kind: accepted, result: await work(transaction) };
    });
    if (kind !== null) this.reportUse(owner.id, kind, origin);
    return result;
  }

  /** A new secret for the user, replacing any earlier one; encrypted before it is stored. */
  async newSecret(userId: number, transaction: Transaction): Promise<Buffer> {
    const secret = generateTotpSecret();
    await this.factors.replace(userId, this.cipher.encrypt(secret, userId), this.clock.now(), transaction);
    return secret;
  }

  /** Whether the user has a secret, confirmed or not. */
  async hasSecret(userId: number, transaction: Transaction): Promise<boolean> {
    return (await this.factors.find(userId, transaction)) !== null;
  }

  /** A new set of recovery codes, in clear for the one answer that shows them; the old set dies. */
  async newRecoveryCodes(userId: number, transaction: Transaction): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES_PER_SET }, generateRecoveryCode);
    await this.recoveryCodes.replaceAll(
      userId,
      codes.map((code) => code.digest),
      this.clock.now(),
      transaction,
    );
    return codes.map((code) => code.shown);
  }

  /** The secret and every recovery code of the user, gone. */
  async remove(userId: number, transaction: Transaction): Promise<void> {
    await this.factors.delete(userId, transaction);
    await this.recoveryCodes.deleteAll(userId, transaction);
  }

  /**
   * A code of the user's secret within one step of now, of a later step than
   * the last accepted one. A secret stored under a previous key is stored
   * again under the current one. A secret no configured key can read is the
   * operator's error, not the user's: 503 and an error in the log, and MFA stays on.
   */
  private async checkTotp(userId: number, code: string, transaction: Transaction): Promise<boolean> {
    const factor = await this.factors.find(userId, transaction);
    if (!factor) return false;
    const stored = { ciphertext: factor.secretCiphertext, keyId: factor.keyId };
    let secret: Buffer;
    try {
      secret = this.cipher.decrypt(stored, userId);
    } catch (error) {
      if (!(error instanceof UnreadableSecretError)) throw error;
      this.logger.error({ event: 'mfa.secret_unreadable', userId, keyId: factor.keyId, error: error.message });
      throw new DomainError('SERVICE_UNAVAILABLE', 'Two-factor codes cannot be checked right now: try a recovery code, or later');
    }
    const step = matchingTotpStep(secret, code, this.clock.now());
    if (step === null || !(await this.factors.acceptStep(userId, step, transaction))) return false;
    if (!this.cipher.isCurrent(factor.keyId)) {
      await this.factors.reencrypt(userId, factor.keyId, this.cipher.encrypt(secret, userId), transaction);
    }
    return true;
  }
}
