import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { AttemptThrottleService, LinkTokensService, PasswordChangesService, PasswordHasher, SecurityEventLog } from '../auth/internal';
import type { RequestClient } from '../common/http/request-client.decorator';
import { Clock } from '../common/time/clock';
import { assertPasswordIsNotPersonal } from '../common/validation/password-policy';
import { accountConfig, AccountConfig } from '../config/app.config';
import { UnitOfWork } from '../database/unit-of-work';
import { Outbox } from '../mail/outbox';
import { UsersService } from '../users/users.service';
import { PasswordResetMails } from './password-reset.mails';

/** A forgotten password: a link mailed to the account's address, and a new password set with it. */
@Injectable()
export class PasswordResetService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PasswordResetService.name);
  /** Links being written after their answer: finished before the pool closes at shutdown, or a 202 would have mailed nothing. */
  private readonly linksInFlight = new Set<Promise<void>>();

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: AttemptThrottleService,
    private readonly links: LinkTokensService,
    private readonly passwordChanges: PasswordChangesService,
    private readonly outbox: Outbox,
    private readonly mails: PasswordResetMails,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: SecurityEventLog,
    private readonly clock: Clock,
    @Inject(accountConfig.KEY) private readonly config: AccountConfig,
  ) {}

  /**
   * Counted against the address and the client whatever the address, then
   * answered at once and alike for every address: looking the account up and
   * writing its link and message happen after the answer, so that neither the
   * answer nor its time tells whether the address is an account's. Only an
   * active account is mailed; an address without one gets nothing at all.
   */
  async requestReset(email: string, client: RequestClient): Promise<void> {
    await this.throttle.countResetRequest(email, client.ip);
    this.logger.log({ event: 'password.reset_requested' });
    const inFlight: Promise<void> = new Promise<void>((answered) => setImmediate(answered))
      .then(() => this.mailResetLink(email, client))
      .catch((error: unknown) => this.logger.error({ event: 'password.reset_request_failed', error: (error as Error).message }))
      .finally(() => this.linksInFlight.delete(inFlight));
    this.linksInFlight.add(inFlight);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.linksInFlight);
  }

  private async mailResetLink(email: string, client: RequestClient): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user) return;
    this.events.record('password.reset_requested', user.id, { client });
    // The answer was the same either way: past a few links an hour, the address is simply not mailed again.
    if (!user.isActive || !(await this.throttle.mayMail('reset-link', user.email))) return;
    const mailed = await this.unitOfWork.run(async (transaction) => {
      // Again under the row's lock: a deactivation or a change of address that committed since the read above has
      // deleted the user's links, and must not find this one written after it.
      const current = await this.users.findForUpdate(user.id, transaction);
      if (!current?.isActive || current.email !== user.email) return false;
      const token = await this.links.issue(user.id, 'reset-password', user.email, transaction);
      await this.outbox.enqueue(this.mails.resetLink(user.email, token, Math.round(this.config.passwordResetTtlSeconds / 60)), transaction);
      return true;
    });
    if (mailed) this.logger.log({ event: 'password.reset_link_mailed', userId: user.id });
  }

  /**
   * Sets the password the link's user chose, under the rules of
   * registration: every token of the user is revoked, every other reset link
   * and any pending email change die, and the address counts as verified (the
   * link proved it). A password the rules refuse leaves the link usable.
   */
  async confirmReset(token: string, password: string, client: RequestClient): Promise<void> {
    const grant = await this.links.find(token, 'reset-password', client.ip);
    // The address the link went to: whether it is still the account's is checked under the lock below.
    assertPasswordIsNotPersonal(password, [grant.email]);
    const hashedPassword = await this.hasher.hash(password, client.ip);
    const user = await this.unitOfWork.run(async (transaction) => {
      const current = await this.links.consume(grant, await this.users.findForUpdate(grant.userId, transaction), transaction);
      // The link proved the address it was mailed to, which is the account's (consume checked).
      const verifiedAt = current.emailVerifiedAt === null ? this.clock.now() : undefined;
      await this.passwordChanges.apply(current.id, hashedPassword, null, transaction, verifiedAt);
      await this.outbox.enqueue(this.mails.resetNotice(current.email), transaction);
      return current;
    });
    this.passwordChanges.forgetSessions(user.id, null);
    this.events.record('password.reset', user.id, { client });
  }
}
