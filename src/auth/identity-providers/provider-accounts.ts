import { Injectable, Logger } from '@nestjs/common';
import { isDuplicateEntryError } from '../../common/errors/database-errors';
import { DomainError } from '../../common/errors/domain-error';
import type { RequestClient } from '../../common/http/request-client.decorator';
import { Clock } from '../../common/time/clock';
import { toAccountEmail } from '../../common/validation/account-email.decorator';
import type { IdentityProviderSetting } from '../../config/settings/identity-providers';
import { UnitOfWork, type Transaction } from '../../database/unit-of-work';
import { Outbox } from '../../mail/outbox';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { VerificationMailer } from '../links/verification-mailer';
import { SecurityEventLog } from '../security-events/security-event-log';
import { AttemptThrottleService } from '../throttling/attempt-throttle.service';
import { IdentitiesRepository } from './identities.repository';
import type { ProviderIdentity } from './identity-provider-clients';
import { IdentityMails } from './identity.mails';

/** What a provider flow may end with in its `#error=`: the contract's codes. */
export type FlowErrorCode =
  | 'ACCESS_DENIED'
  | 'PROVIDER_FAILED'
  | 'ACCOUNT_EXISTS'
  | 'IDENTITY_TAKEN'
  | 'EMAIL_NOT_VERIFIED'
  | 'INVALID_CREDENTIALS'
  | 'TOO_MANY_REQUESTS';

/** A flow that ends with `#error=<code>`: the browser is sent back to the app with it, and nothing else. */
export class FlowRefusal extends Error {
  constructor(readonly code: FlowErrorCode) {
    super(code);
  }
}

/**
 * The linking rules: which account an identity a provider vouched for signs
 * in to, created or linked when the rules allow it.
 * - A linked identity signs in its account.
 * - Otherwise, with no account at the provider's address, one is made,
 *   without a password, its address verified when the provider says so (a
 *   verification link is mailed when it does not); registration's
 *   throttling applies.
 * - Otherwise the identity is linked to that account only when the provider
 *   vouches for the address (`email_verified: true`) and the account proved
 *   it too: an unverified local account may be someone's trap for the
 *   address's owner, and a provider that does not vouch proves nothing.
 *   Every other case is ACCOUNT_EXISTS, with nothing linked or created.
 */
@Injectable()
export class ProviderAccounts {
  private readonly logger = new Logger(ProviderAccounts.name);

  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly users: UsersService,
    private readonly throttle: AttemptThrottleService,
    private readonly verificationMailer: VerificationMailer,
    private readonly outbox: Outbox,
    private readonly mails: IdentityMails,
    private readonly events: SecurityEventLog,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The account an identity signs in to (by the rules above; a FlowRefusal when they refuse), and whether the sign-in just made it. */
  async accountFor(
    provider: IdentityProviderSetting,
    identity: ProviderIdentity,
    client: RequestClient,
  ): Promise<{ user: User; created: boolean }> {
    const email = identity.email === null ? null : toAccountEmail(identity.email);
    const linked = await this.identities.find(provider.id, identity.subject);
    if (linked) {
      // The provider's address may change; the account's does not follow it.
      await this.identities.recordUse(linked.id, email, this.clock.now());
      const user = await this.users.findById(linked.userId);
      if (user) return { user, created: false };
    }
    if (email === null) {
      this.logger.warn({ event: 'identity_provider.no_email', provider: provider.id });
      throw new FlowRefusal('PROVIDER_FAILED');
    }
    const existing = await this.users.findByEmail(email);
    if (!existing) return { user: await this.createAccount(provider, identity, email, client), created: true };
    if (!identity.emailVerified || existing.emailVerifiedAt === null) throw new FlowRefusal('ACCOUNT_EXISTS');
    await this.link(existing.id, provider, { ...identity, email }, client);
    return { user: existing, created: false };
  }

  /**
   * Links the identity to the account (a linking flow, or the automatic
   * linking above), with a notice mailed to the account's address; nothing
   * when it is already the account's. IDENTITY_TAKEN when another account holds it.
   */
  async link(userId: number, provider: IdentityProviderSetting, identity: ProviderIdentity, client: RequestClient): Promise<void> {
    const linked = await this.unitOfWork
      .run(async (transaction) => {
        const owner = await this.users.lockById(userId, transaction);
        const holder = await this.identities.find(provider.id, identity.subject, transaction);
        if (holder) {
          if (holder.userId !== userId) throw new FlowRefusal('IDENTITY_TAKEN');
          return false;
        }
        await this.insertIdentity(userId, provider, identity, transaction);
        await this.outbox.enqueue(this.mails.linkedNotice(owner.email, provider.name), transaction);
        return true;
      })
      .catch((error: unknown) => {
        // Linked by a racing flow meanwhile: the unique index decides, as IDENTITY_TAKEN.
        throw isDuplicateEntryError(error) ? new FlowRefusal('IDENTITY_TAKEN') : error;
      });
    if (linked) this.events.record('identity.linked', userId, { client }, { provider: provider.id });
  }

  private async createAccount(
    provider: IdentityProviderSetting,
    identity: ProviderIdentity,
    email: string,
    client: RequestClient,
  ): Promise<User> {
    // Past the budget, a 429 whose code the callback turns into #error=TOO_MANY_REQUESTS, as any throttle's.
    await this.throttle.countRegistration(client.ip);
    const user = await this.unitOfWork
      .run(async (transaction) => {
        const created = await this.users.create(email, null, transaction, identity.emailVerified ? this.clock.now() : null);
        await this.insertIdentity(created.id, provider, { ...identity, email }, transaction);
        if (!identity.emailVerified) await this.verificationMailer.send(created.id, email, transaction);
        return created;
      })
      .catch((error: unknown) => {
        // An account took the address (or the identity) meanwhile: refused as if it had been there first.
        if (error instanceof DomainError && error.code === 'EMAIL_TAKEN') throw new FlowRefusal('ACCOUNT_EXISTS');
        if (isDuplicateEntryError(error)) throw new FlowRefusal('ACCOUNT_EXISTS');
        throw error;
      });
    this.events.record('identity.linked', user.id, { client }, { provider: provider.id });
    return user;
  }

  private insertIdentity(userId: number, provider: IdentityProviderSetting, identity: ProviderIdentity, transaction: Transaction) {
    const now = this.clock.now();
    // As a sign-in records it: an address an account could have, or none (a provider's claim may be any text, of any length).
    const email = identity.email === null ? null : toAccountEmail(identity.email);
    return this.identities.insert(
      { userId, provider: provider.id, subject: identity.subject, email, createdAt: now, lastUsedAt: now },
      transaction,
    );
  }
}
