import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Transaction, UnitOfWork } from '../../database/unit-of-work';
import { User, UserRole } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { LinkTokensService } from '../links/link-tokens.service';
import { SecurityEventLog } from '../security-events/security-event-log';
import { AccessTokenRevoker } from '../tokens/access-token.revoker';
import type { RequestClient } from '../../common/http/request-client.decorator';

export interface StandingChanges {
  role?: UserRole;
  isActive?: boolean;
}

/**
 * What an admin (or an operator, from the command line) does to an account:
 * its role, whether it is active, its tokens, its existence. A promotion
 * gives no scope to tokens issued before it; a demotion or a deactivation
 * ends the user's tokens at once, logins in flight included (the security
 * stamp moves), and a deactivation kills the links mailed to the user, so that
 * none works after a reactivation either. Every change that could leave no active
 * admin locks the active admins and counts them in its transaction, so that
 * of changes racing for the last two admins one at most goes through: 409
 * LAST_ADMIN for the rest.
 */
@Injectable()
export class AccountStandingService {
  private readonly logger = new Logger(AccountStandingService.name);

  constructor(
    private readonly users: UsersService,
    private readonly tokens: AccessTokenRevoker,
    private readonly links: LinkTokensService,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: SecurityEventLog,
  ) {}

  /** The user afterwards; `actorId` is the admin who made the change, null from the command line. */
  async change(userId: number, changes: StandingChanges, actorId: number | null, client?: RequestClient): Promise<User> {
    const { before, after } = await this.unitOfWork.run(async (transaction) => {
      // Absent fields keep their value (a DTO may carry them as undefined).
      const current = await this.lockWithAdmins(userId, transaction, (user) => ({
        role: changes.role ?? user.role,
        isActive: changes.isActive ?? user.isActive,
      }));
      const next = { role: changes.role ?? current.role, isActive: changes.isActive ?? current.isActive };
      if (next.role === current.role && next.isActive === current.isActive) return { before: current, after: current };
      await this.users.update(userId, next, transaction);
      const lostAccess = (current.role === 'admin' && next.role !== 'admin') || (current.isActive && !next.isActive);
      if (lostAccess) await this.tokens.endForCredentialChange(userId, null, transaction);
      else await this.tokens.ownerChanged(userId, transaction);
      if (current.isActive && !next.isActive) await this.links.revokeAllForUser(userId, transaction);
      return { before: current, after: await this.users.getById(userId, transaction) };
    });
    if (before === after) return after;
    this.tokens.forgetOwner(userId);
    if (before.role !== after.role) {
      this.events.record('user.role_changed', userId, { actorId, client }, { role: after.role });
    }
    if (before.isActive !== after.isActive) {
      const type = after.isActive ? 'user.activated' : 'user.deactivated';
      this.events.record(type, userId, { actorId, client });
    }
    return after;
  }

  /** Every token of the user, revoked; NOT_FOUND for no such user. */
  async revokeTokens(userId: number, actorId: number, client?: RequestClient): Promise<void> {
    const revoked = await this.unitOfWork.run(async (transaction) => {
      await this.users.lockById(userId, transaction);
      return this.tokens.revokeAllInTransaction(userId, null, transaction);
    });
    this.tokens.forgetOwner(userId);
    this.events.record('admin.tokens_revoked', userId, { actorId, client }, { revoked });
  }

  /** The account and everything of it, unless it is the last active admin. */
  async delete(userId: number, actorId: number): Promise<void> {
    await this.unitOfWork.run(async (transaction) => {
      await this.lockWithAdmins(userId, transaction, () => ({ role: 'user', isActive: false }));
      await this.tokens.ownerChanged(userId, transaction);
      await this.users.delete(userId, transaction);
    });
    this.tokens.forgetOwner(userId);
    this.logger.log({ event: 'user.deleted', userId, actorId });
  }

  /**
   * Locks the active admins, then the user (always in this order, so that
   * changes queue rather than deadlock), and refuses with LAST_ADMIN when the
   * user is the last active admin and would not be one `afterwards`.
   */
  private async lockWithAdmins(
    userId: number,
    transaction: Transaction,
    afterwards: (user: User) => Pick<User, 'role' | 'isActive'>,
  ): Promise<User> {
    const admins = await this.users.lockActiveAdminIds(transaction);
    const user = await this.users.lockById(userId, transaction);
    const next = afterwards(user);
    const staysAdmin = next.role === 'admin' && next.isActive;
    if (admins.includes(userId) && !staysAdmin && admins.length <= 1) throw new DomainError('LAST_ADMIN');
    return user;
  }
}
