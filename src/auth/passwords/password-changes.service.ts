import { Injectable } from '@nestjs/common';
import type { Transaction } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { LinkTokensService } from '../links/link-tokens.service';
import { AccessTokenRevoker } from '../tokens/access-token.revoker';

/**
 * What a new password brings with it, whether the user changed it or reset
 * it: every other session ends (all of them after a reset), logins still in
 * flight with the old password take their token back (the security stamp
 * moves), every reset link dies, and a pending email change is cancelled with
 * its link, in the transaction that sets the hash. `forgetSessions` follows the commit.
 */
@Injectable()
export class PasswordChangesService {
  constructor(
    private readonly users: UsersService,
    private readonly links: LinkTokensService,
    private readonly tokens: AccessTokenRevoker,
  ) {}

  /** Stores `hashedPassword`; `keepTokenId`, when given, is the one session that stays (the caller's own). */
  async apply(
    userId: number,
    hashedPassword: string,
    keepTokenId: number | null,
    transaction: Transaction,
    verifiedAt?: Date,
  ): Promise<void> {
    await this.users.update(
      userId,
      { hashedPassword, pendingEmail: null, ...(verifiedAt ? { emailVerifiedAt: verifiedAt } : {}) },
      transaction,
    );
    await this.links.revokeForUser(userId, ['reset-password', 'change-email'], transaction);
    await this.tokens.endForCredentialChange(userId, keepTokenId, transaction);
  }

  /** After the commit: this instance's cached sessions of the user (but the kept one) are forgotten too. */
  forgetSessions(userId: number, keepTokenId: number | null): void {
    this.tokens.forgetOwner(userId, keepTokenId ?? undefined);
  }
}
