import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../../database/unit-of-work';
import { User, UserRole } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { AccessTokenService } from '../tokens/access-token.service';

/**
 * The one way a user's role changes, for the admin routes and the CLI alike.
 * A promotion gives no scope to tokens issued before it; a demotion ends the
 * user's tokens at once. The active admins are locked and counted in the
 * same transaction, so that of changes racing for the last two admins one
 * at most goes through: 409 LAST_ADMIN for the rest.
 */
@Injectable()
export class RoleChanges {
  private readonly logger = new Logger(RoleChanges.name);

  constructor(
    private readonly users: UsersService,
    private readonly tokens: AccessTokenService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The user afterwards; `actorId` is the admin who made the change, null from the command line. */
  async setRole(userId: number, role: UserRole, actorId: number | null): Promise<User> {
    const { user, changed } = await this.unitOfWork.run(async (transaction) => {
      const admins = await this.users.lockActiveAdminIds(transaction);
      const current = await this.users.lockById(userId, transaction);
      if (current.role === role) return { user: current, changed: false };
      if (current.role === 'admin' && current.isActive && admins.length <= 1) throw new DomainError('LAST_ADMIN');
      await this.users.update(userId, { role }, transaction);
      if (role !== 'admin') await this.tokens.revokeAllInTransaction(userId, null, transaction);
      return { user: await this.users.getById(userId, transaction), changed: true };
    });
    if (changed) {
      this.tokens.forgetOwner(userId);
      this.logger.log({ event: 'user.role_changed', userId, role, actorId });
    }
    return user;
  }
}
