import { Injectable, Logger } from '@nestjs/common';
import { AuthContext } from '../auth/authenticated-user';
import { PasswordHasher } from '../auth/passwords/password-hasher';
import { AccessTokenService } from '../auth/tokens/access-token.service';
import { DomainError, validationFailed } from '../common/errors/domain-error';
import { containsEmail } from '../common/validation/password-policy';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

export interface ProfileChanges {
  email?: string;
  password?: string;
  currentPassword: string;
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenService,
  ) {}

  async create(email: string, password: string): Promise<User> {
    this.assertPasswordIsNotPersonal(password, [email]);
    const user = await this.users.create(email, await this.hasher.hash(password));
    this.logger.log({ event: 'user.registered', userId: user.id });
    return user;
  }

  findByEmailWithHash(email: string): Promise<User | null> {
    return this.users.findByEmailWithHash(email);
  }

  replaceHash(userId: number, expectedHash: string, hashedPassword: string): Promise<void> {
    return this.users.replaceHash(userId, expectedHash, hashedPassword);
  }

  async getById(id: number): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new DomainError('NOT_FOUND', 'No such user');
    return user;
  }

  /**
   * Changes email and/or password after checking the current password. A new
   * password revokes every other token of the user, so a thief's session ends
   * with the change while the caller's own stays.
   */
  async updateProfile(session: AuthContext, changes: ProfileChanges): Promise<User> {
    if (changes.email === undefined && changes.password === undefined) {
      throw validationFailed([{ field: 'body', message: 'give a new email, a new password, or both' }]);
    }
    const userId = session.user.id;
    if (changes.password !== undefined) {
      this.assertPasswordIsNotPersonal(changes.password, [session.user.email, changes.email]);
    }
    const user = await this.users.findByIdWithHash(userId);
    if (!user || !(await this.hasher.verify(changes.currentPassword, user.hashedPassword))) {
      throw new DomainError('INVALID_CURRENT_PASSWORD');
    }
    const hashedPassword = changes.password === undefined ? undefined : await this.hasher.hash(changes.password);
    await this.users.updateCredentials(userId, { email: changes.email, hashedPassword });
    if (hashedPassword !== undefined) {
      await this.tokens.revokeAllExcept(userId, session.tokenId);
      this.logger.log({ event: 'user.password_changed', userId });
    }
    if (changes.email !== undefined) {
      this.tokens.forgetOwner(userId);
      this.logger.log({ event: 'user.email_changed', userId });
    }
    return this.getById(userId);
  }

  private assertPasswordIsNotPersonal(password: string, emails: Array<string | undefined>): void {
    if (emails.some((email) => email !== undefined && containsEmail(password, email))) {
      throw validationFailed([{ field: 'password', message: 'password must not contain your email address' }]);
    }
  }
}
