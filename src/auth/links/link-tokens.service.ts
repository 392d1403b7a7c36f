import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { accountConfig, AccountConfig } from '../../config/app.config';
import type { Transaction } from '../../database/unit-of-work';
import type { User } from '../../users/user.entity';
import { BearerSecretAttempts } from '../throttling/bearer-secret-attempts';
import { digestLinkToken, generateLinkToken, isWellFormedLinkToken } from './link-token.codec';
import { LinkPurpose } from './link-token.entity';
import { LinkTokensRepository } from './link-tokens.repository';

/** What a valid link grants: its user, and the address it was mailed to. */
export interface LinkGrant {
  id: number;
  userId: number;
  purpose: LinkPurpose;
  email: string;
}

/** Every purpose: what a change of address or a deactivation kills. */
const ALL_PURPOSES: LinkPurpose[] = ['verify-email', 'reset-password', 'change-email'];

/**
 * The links mailed to users: single use, bound to one user, one purpose and
 * the address they were sent to, expiring after EMAIL_VERIFICATION_TTL,
 * PASSWORD_RESET_TTL or EMAIL_CHANGE_TTL, and dead once their user is
 * deactivated or their address is no longer the account's. One answer,
 * INVALID_LINK, for an unknown, expired, used, wrong-purpose or dead token.
 * Tokens are never logged.
 */
@Injectable()
export class LinkTokensService {
  private readonly ttlSeconds: Record<LinkPurpose, number>;

  constructor(
    private readonly repository: LinkTokensRepository,
    private readonly attempts: BearerSecretAttempts,
    private readonly clock: Clock,
    @Inject(accountConfig.KEY) config: AccountConfig,
  ) {
    this.ttlSeconds = {
      'verify-email': config.emailVerificationTtlSeconds,
      'reset-password': config.passwordResetTtlSeconds,
      'change-email': config.emailChangeTtlSeconds,
    };
  }

  /** A new link for this user and address, in the transaction of the change that mails it; the token, to mail, never stored. */
  async issue(userId: number, purpose: LinkPurpose, email: string, transaction: Transaction): Promise<string> {
    const token = generateLinkToken();
    const now = this.clock.now();
    await this.repository.insert(
      {
        userId,
        purpose,
        email,
        tokenHash: digestLinkToken(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.ttlSeconds[purpose] * 1000),
      },
      transaction,
    );
    return token;
  }

  /**
   * The grant of a presented token, or INVALID_LINK. A malformed token costs
   * no query; every refusal counts against the client (BearerSecretAttempts).
   */
  async find(token: string, purpose: LinkPurpose, clientAddress: string): Promise<LinkGrant> {
    this.attempts.assertAllowed(clientAddress);
    const link = isWellFormedLinkToken(token) ? await this.repository.findLive(digestLinkToken(token), purpose, this.clock.now()) : null;
    if (!link) {
      this.attempts.failed(clientAddress);
      throw new DomainError('INVALID_LINK');
    }
    return { id: link.id, userId: link.userId, purpose: link.purpose, email: link.email };
  }

  /**
   * Uses the link up, in the transaction of what it grants, with `owner` as
   * read there under its lock: INVALID_LINK when the owner is gone or deactivated,
   * when the address the link was sent to is no longer the one it speaks for
   * (the account's email; for a change, the address still pending), or when
   * another request used it first.
   */
  async consume(grant: LinkGrant, owner: User | null, transaction: Transaction): Promise<User> {
    const boundAddress = grant.purpose === 'change-email' ? owner?.pendingEmail : owner?.email;
    if (!owner?.isActive || owner.id !== grant.userId || boundAddress !== grant.email) throw new DomainError('INVALID_LINK');
    if (!(await this.repository.consume(grant.id, transaction))) throw new DomainError('INVALID_LINK');
    return owner;
  }

  /** Every link of the user dies: at a deactivation, and once the account's address is another. */
  revokeAllForUser(userId: number, transaction: Transaction): Promise<void> {
    return this.repository.deleteForUser(userId, ALL_PURPOSES, transaction);
  }

  /** Every link of these purposes of the user dies (but `exceptId`). */
  revokeForUser(userId: number, purposes: LinkPurpose[], transaction: Transaction, exceptId?: number): Promise<void> {
    return this.repository.deleteForUser(userId, purposes, transaction, exceptId);
  }
}
