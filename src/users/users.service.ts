import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import type { Transaction } from '../database/unit-of-work';
import { User } from './user.entity';
import { AccountChanges, CredentialStanding, UserPage, UsersRepository } from './users.repository';

/**
 * The accounts as stored. Hashing and checking passwords belong to the
 * authentication layer above: this service takes and gives hashes only.
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(private readonly users: UsersRepository) {}

  /**
   * A new account; EMAIL_TAKEN when the address is already one. An identity
   * provider's account has no password (null), and its address is verified
   * when the provider vouched for it.
   */
  async create(
    email: string,
    hashedPassword: string | null,
    transaction?: Transaction,
    emailVerifiedAt: Date | null = null,
  ): Promise<User> {
    const user = await this.users.create(email, hashedPassword, transaction, emailVerifiedAt);
    this.logger.log({ event: 'user.registered', userId: user.id });
    return user;
  }

  findById(id: number): Promise<User | null> {
    return this.users.findById(id);
  }

  /** The user (null when there is none), the row locked until the transaction ends. */
  findForUpdate(id: number, transaction: Transaction): Promise<User | null> {
    return this.users.findByIdForUpdate(id, transaction);
  }

  /** NOT_FOUND when there is no such user; the row stays locked until the transaction ends. */
  async lockById(id: number, transaction: Transaction): Promise<User> {
    const user = await this.users.findByIdForUpdate(id, transaction);
    if (!user) throw new DomainError('NOT_FOUND', 'No such user');
    return user;
  }

  /** The active admins' ids, locked until the transaction ends. */
  lockActiveAdminIds(transaction: Transaction): Promise<number[]> {
    return this.users.lockActiveAdminIds(transaction);
  }

  findPageOnReplica(page: UserPage): Promise<User[]> {
    return this.users.findPageOnReplica(page);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email);
  }

  findByEmailWithHash(email: string): Promise<User | null> {
    return this.users.findByEmailWithHash(email);
  }

  findByIdWithHash(id: number): Promise<User | null> {
    return this.users.findByIdWithHash(id);
  }

  async getById(id: number, transaction?: Transaction): Promise<User> {
    const user = await this.users.findById(id, transaction);
    if (!user) throw new DomainError('NOT_FOUND', 'No such user');
    return user;
  }

  /** EMAIL_TAKEN when a new email is another account's. */
  update(id: number, changes: AccountChanges, transaction?: Transaction): Promise<void> {
    return this.users.update(id, changes, transaction);
  }

  /** Moves the user's security stamp on, in the transaction of a change of their credentials (User.credentialVersion). */
  hasPassword(id: number, transaction?: Transaction): Promise<boolean> {
    return this.users.hasPassword(id, transaction);
  }

  bumpCredentialVersion(id: number, transaction: Transaction): Promise<void> {
    return this.users.bumpCredentialVersion(id, transaction);
  }

  /** The stamp and standing as committed, waiting for a change still open on the user. */
  findCredentialStanding(id: number): Promise<CredentialStanding | null> {
    return this.users.findCredentialStanding(id);
  }

  /** A login of the user succeeded now (for the admins' list). */
  recordLogin(id: number): Promise<void> {
    return this.users.recordLogin(id);
  }

  /** Only after a successful verification of the old hash: the same password, hashed under today's policy. */
  replaceHash(id: number, expectedHash: string, hashedPassword: string): Promise<void> {
    return this.users.replaceHash(id, expectedHash, hashedPassword);
  }

  /** The account, and (by foreign key) its tokens and links. */
  delete(id: number, transaction: Transaction): Promise<void> {
    return this.users.delete(id, transaction);
  }
}
