import { Injectable, Logger } from '@nestjs/common';
import { AuthContext } from '../auth/authenticated-user';
import { PasswordConfirmation } from '../auth/passwords/password-confirmation.service';
import { PasswordHasher } from '../auth/passwords/password-hasher';
import { AccessTokenService } from '../auth/tokens/access-token.service';
import { validationFailed } from '../common/errors/domain-error';
import { assertPasswordIsNotPersonal } from '../common/validation/password-policy';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';

export interface ProfileChanges {
  email?: string;
  password?: string;
  currentPassword: string;
}

/** What a signed-in user does to their own account. */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly confirmation: PasswordConfirmation,
    private readonly tokens: AccessTokenService,
  ) {}

  /**
   * Changes email and/or password after checking the current password (a
   * throttled check, like a login). A new password revokes every other token
   * of the user, so a thief's session ends with the change while the caller's
   * own stays. The password in force afterwards may not contain the address
   * in force afterwards, as at registration.
   */
  async updateProfile(session: AuthContext, changes: ProfileChanges, clientAddress: string): Promise<User> {
    if (changes.email === undefined && changes.password === undefined) {
      throw validationFailed([{ field: 'body', message: 'give a new email, a new password, or both' }]);
    }
    const userId = session.user.id;
    if (changes.password !== undefined) {
      assertPasswordIsNotPersonal(changes.password, [session.user.email, changes.email]);
    } else {
      assertPasswordIsNotPersonal(changes.currentPassword, [changes.email], 'currentPassword');
    }
    await this.confirmation.confirm(session.user, changes.currentPassword, clientAddress);
    const hashedPassword = changes.password === undefined ? undefined : await this.hasher.hash(changes.password, clientAddress);
    await this.users.updateCredentials(userId, { email: changes.email, hashedPassword });
    if (hashedPassword !== undefined) {
      await this.tokens.revokeAllExcept(userId, session.tokenId);
      this.logger.log({ event: 'user.password_changed', userId });
    }
    if (changes.email !== undefined) {
      this.tokens.forgetOwner(userId);
      this.logger.log({ event: 'user.email_changed', userId });
    }
    return this.users.getById(userId);
  }
}
