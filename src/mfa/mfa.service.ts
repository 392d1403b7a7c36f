import { Inject, Injectable, Logger } from '@nestjs/common';
import { toString as qrCodeSvg } from 'qrcode';
import {
  AccessTokenRevoker,
  AttemptThrottleService,
  AuthContext,
  MfaMails,
  PasswordConfirmationService,
  SecondFactorService,
  SecurityEventLog,
  totpSecretBase32,
  totpUrl,
} from '../auth/internal';
import type { RequestClient } from '../common/http/request-client.decorator';
import { DomainError } from '../common/errors/domain-error';
import { Clock } from '../common/time/clock';
import { mfaConfig, MfaConfig } from '../config/app.config';
import { UnitOfWork } from '../database/unit-of-work';
import { Outbox } from '../mail/outbox';
import { UsersService } from '../users/users.service';

export interface TotpEnrolment {
  secret: string;
  otpauthUrl: string;
  qrCodeSvg: string;
}

/**
 * A signed-in user's own second factor: enrolment (a secret, then a first
 * code), turning it off, and new recovery codes. Every step checks a secret
 * the way a login does: throttled on that account's failure counter.
 */
@Injectable()
export class MfaService {
  private readonly logger = new Logger(MfaService.name);

  constructor(
    private readonly users: UsersService,
    private readonly secondFactor: SecondFactorService,
    private readonly confirmation: PasswordConfirmationService,
    private readonly throttle: AttemptThrottleService,
    private readonly tokens: AccessTokenRevoker,
    private readonly outbox: Outbox,
    private readonly mails: MfaMails,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: SecurityEventLog,
    private readonly clock: Clock,
    @Inject(mfaConfig.KEY) private readonly config: MfaConfig,
  ) {}

  /** A new secret, pending until a code of it is confirmed; it replaces an unconfirmed one. */
  async startEnrolment(session: AuthContext, currentPassword: string | undefined, client: RequestClient): Promise<TotpEnrolment> {
    const { user } = session;
    await this.confirmation.confirm(session, currentPassword, client.ip);
    const secret = await this.unitOfWork.run(async (transaction) => {
      const current = await this.users.lockById(user.id, transaction);
      await this.tokens.assertSessionLive(session.tokenId, transaction);
      if (current.mfaEnabledAt !== null) throw new DomainError('MFA_ALREADY_ENABLED');
      return this.secondFactor.newSecret(user.id, transaction);
    });
    this.logger.log({ event: 'mfa.enrolment_started', userId: user.id });
    const otpauthUrl = totpUrl(secret, this.config.issuer, user.email);
    return { secret: totpSecretBase32(secret), otpauthUrl, qrCodeSvg: await qrCodeSvg(otpauthUrl, { type: 'svg', margin: 2 }) };
  }

  /**
   * A first code of the pending secret turns MFA on: the recovery codes are
   * made, every other session of the user ends (one opened with the password
   * alone must not outlive the change), and a notice is mailed.
   */
  async confirmEnrolment(session: AuthContext, code: string | undefined, client: RequestClient): Promise<string[]> {
    const { user } = session;
    const recoveryCodes = await this.throttle.checkSecret(user.email, client.ip, () =>
      this.unitOfWork.run(async (transaction) => {
        const current = await this.users.lockById(user.id, transaction);
        await this.tokens.assertSessionLive(session.tokenId, transaction);
        if (current.mfaEnabledAt !== null) throw new DomainError('MFA_ALREADY_ENABLED');
        if (!(await this.secondFactor.hasSecret(user.id, transaction)))
          throw new DomainError('MFA_NOT_ENABLED', 'Start an enrolment first');
        if ((await this.secondFactor.check(current, code, transaction)) === null) {
          this.secondFactor.reportFailure(user.id, { client });
          throw new DomainError('INVALID_MFA_CODE');
        }
        await this.users.update(user.id, { mfaEnabledAt: this.clock.now() }, transaction);
        await this.tokens.endForCredentialChange(user.id, session.tokenId, transaction);
        await this.outbox.enqueue(this.mails.enabledNotice(current.email), transaction);
        return this.secondFactor.newRecoveryCodes(user.id, transaction);
      }),
    );
    // Every cached session of the user, this one included: its user now has MFA on.
    this.tokens.forgetOwner(user.id);
    this.events.record('mfa.enabled', user.id, { client });
    return recoveryCodes;
  }

  /** MFA off, after the password and a code: the secret and the recovery codes are deleted. */
  async disable(session: AuthContext, currentPassword: string | undefined, code: string | undefined, client: RequestClient): Promise<void> {
    const { user } = session;
    await this.confirmation.confirm(session, currentPassword, client.ip, () =>
      this.secondFactor.withCode(user, code, { client }, async (transaction) => {
        await this.tokens.assertSessionLive(session.tokenId, transaction);
        await this.secondFactor.remove(user.id, transaction);
        await this.users.update(user.id, { mfaEnabledAt: null }, transaction);
        // The sessions stay; a login still between its password and its code does not (its challenge dies with the stamp).
        await this.users.bumpCredentialVersion(user.id, transaction);
        await this.tokens.ownerChanged(user.id, transaction);
        await this.outbox.enqueue(this.mails.disabledNotice(user.email), transaction);
      }),
    );
    this.tokens.forgetOwner(user.id);
    this.events.record('mfa.disabled', user.id, { client });
  }

  /** A new set of recovery codes, after the password and a code; the old set dies. */
  async renewRecoveryCodes(
    session: AuthContext,
    currentPassword: string | undefined,
    code: string | undefined,
    client: RequestClient,
  ): Promise<string[]> {
    const { user } = session;
    const recoveryCodes = await this.confirmation.confirm(session, currentPassword, client.ip, () =>
      this.secondFactor.withCode(user, code, { client }, async (transaction) => {
        await this.tokens.assertSessionLive(session.tokenId, transaction);
        return this.secondFactor.newRecoveryCodes(user.id, transaction);
      }),
    );
    this.logger.log({ event: 'mfa.recovery_codes_renewed', userId: user.id });
    return recoveryCodes;
  }
}
