import { Injectable, Logger } from '@nestjs/common';
import {
  AccessTokenRevoker,
  AttemptThrottleService,
  AuthContext,
  LinkTokensService,
  PasswordChangesService,
  PasswordConfirmationService,
  PasswordHasher,
  SecondFactorService,
  SecurityEventLog,
} from '../auth/internal';
import type { RequestClient } from '../common/http/request-client.decorator';
import { DomainError } from '../common/errors/domain-error';
import { Clock } from '../common/time/clock';
import { assertPasswordIsNotPersonal } from '../common/validation/password-policy';
import { UnitOfWork } from '../database/unit-of-work';
import { Outbox } from '../mail/outbox';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccountMails } from './account.mails';

export interface ProfileChanges {
  email?: string;
  password?: string;
  /** Absent for an account without a password, within 10 minutes of its sign-in. */
  currentPassword?: string;
}

/** What a signed-in user does to their own account. */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly confirmation: PasswordConfirmationService,
    private readonly passwordChanges: PasswordChangesService,
    private readonly links: LinkTokensService,
    private readonly tokens: AccessTokenRevoker,
    private readonly secondFactor: SecondFactorService,
    private readonly throttle: AttemptThrottleService,
    private readonly events: SecurityEventLog,
    private readonly outbox: Outbox,
    private readonly mails: AccountMails,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * Changes the password and/or asks for another email, after checking the
   * current password (a throttled check, like a login). A new password takes
   * effect at once, ends every other session of the user and is announced by
   * mail. A new email does not: it waits in `pendingEmail` until the link
   * mailed to it is used, and the current address is told; such requests are
   * counted (5 an hour per user, 3 per address asked for, whether the address
   * is free or taken), so that neither a mailbox nor the set of accounts can
   * be probed at speed. The password in force afterwards may not contain the
   * address asked for, as at registration.
   */
  async updateProfile(session: AuthContext, changes: ProfileChanges, client: RequestClient): Promise<User> {
    const { user } = session;
    const newEmail = changes.email !== undefined && changes.email !== user.email ? changes.email : undefined;
    if (newEmail === undefined && changes.password === undefined) {
      throw DomainError.invalidFields([{ field: 'body', message: 'give a new email, a new password, or both' }]);
    }
    if (changes.password !== undefined) {
      assertPasswordIsNotPersonal(changes.password, [user.email, newEmail]);
    } else if (changes.currentPassword !== undefined) {
      assertPasswordIsNotPersonal(changes.currentPassword, [newEmail], 'currentPassword');
    }
    await this.confirmation.confirm(session, changes.currentPassword, client.ip);
    if (newEmail !== undefined) {
      await this.throttle.countEmailChange(user.id, newEmail);
      if (await this.users.findByEmail(newEmail)) throw new DomainError('EMAIL_TAKEN');
    }
    const hashedPassword = changes.password === undefined ? undefined : await this.hasher.hash(changes.password, client.ip);
    // The change goes ahead whatever; past a few notices an hour, the address is not mailed about each.
    const notifyPasswordChange = hashedPassword !== undefined && (await this.throttle.mayMail('notice', user.email));
    const notifyEmailChange = newEmail !== undefined && (await this.throttle.mayMail('notice', user.email));
    await this.unitOfWork.run(async (transaction) => {
      await this.users.lockById(user.id, transaction);
      await this.tokens.assertSessionLive(session.tokenId, transaction);
      if (hashedPassword !== undefined) {
        await this.passwordChanges.apply(user.id, hashedPassword, session.tokenId, transaction);
        if (notifyPasswordChange) await this.outbox.enqueue(this.mails.passwordChangedNotice(user.email), transaction);
      }
      if (newEmail !== undefined) {
        await this.users.update(user.id, { pendingEmail: newEmail }, transaction);
        await this.tokens.ownerChanged(user.id, transaction);
        await this.links.revokeForUser(user.id, ['change-email'], transaction);
        const token = await this.links.issue(user.id, 'change-email', newEmail, transaction);
        await this.outbox.enqueue(this.mails.emailChangeConfirmation(newEmail, token), transaction);
        if (notifyEmailChange) await this.outbox.enqueue(this.mails.emailChangeNotice(user.email, newEmail), transaction);
      }
    });
    if (hashedPassword !== undefined) {
      this.passwordChanges.forgetSessions(user.id, session.tokenId);
      this.events.record('password.changed', user.id, { client });
    }
    if (newEmail !== undefined) {
      this.tokens.forgetOwner(user.id);
      this.events.record('email.change_requested', user.id, { client });
    }
    return this.users.getById(user.id);
  }

  /**
   * The link mailed to the new address proves it: the account takes it,
   * verified. Only the latest request counts, and only while it is pending;
   * an address another account took since gets 409, and the link stays usable.
   */
  async confirmEmailChange(token: string, client: RequestClient): Promise<User> {
    const grant = await this.links.find(token, 'change-email', client.ip);
    const user = await this.unitOfWork.run(async (transaction) => {
      const current = await this.links.consume(grant, await this.users.findForUpdate(grant.userId, transaction), transaction);
      await this.users.update(current.id, { email: grant.email, emailVerifiedAt: this.clock.now(), pendingEmail: null }, transaction);
      // Whatever was mailed to the old address (a reset link, a verification link) no longer speaks for the account.
      await this.links.revokeAllForUser(current.id, transaction);
      await this.tokens.ownerChanged(current.id, transaction);
      return this.users.getById(current.id, transaction);
    });
    this.tokens.forgetOwner(user.id);
    this.events.record('email.changed', user.id, { client });
    return user;
  }

  /**
   * Deletes the account and everything of it (tokens, links, second factor,
   * by foreign key), after the current password, and a code too when MFA is
   * on; a notice follows.
   */
  async deleteAccount(
    session: AuthContext,
    currentPassword: string | undefined,
    code: string | undefined,
    client: RequestClient,
  ): Promise<void> {
    const { user } = session;
    await this.confirmation.confirm(session, currentPassword, client.ip, () =>
      this.secondFactor.withCodeIfEnabled(user, code, { client }, async (transaction) => {
        await this.tokens.assertSessionLive(session.tokenId, transaction);
        // The last active admin stays, whoever deletes it (as AccountStandingService holds for the admins' routes).
        const admins = await this.users.lockActiveAdminIds(transaction);
        if (admins.includes(user.id) && admins.length <= 1) throw new DomainError('LAST_ADMIN');
        const stored = await this.users.getById(user.id, transaction);
        await this.tokens.ownerChanged(user.id, transaction);
        await this.users.delete(user.id, transaction);
        await this.outbox.enqueue(this.mails.deletionNotice(stored.email), transaction);
      }),
    );
    this.tokens.forgetOwner(user.id);
    this.logger.log({ event: 'user.deleted', userId: user.id });
  }
}
