import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isDuplicateEntryError } from '../common/errors/database-errors';
import { DomainError } from '../common/errors/domain-error';
import { Clock } from '../common/time/clock';
import { ReadReplicas } from '../database/replicas/read-replicas';
import type { Transaction } from '../database/unit-of-work';
import { User, UserRole } from './user.entity';

/** What a change to an account may set; absent fields keep their value. */
export interface AccountChanges {
  email?: string;
  hashedPassword?: string;
  emailVerifiedAt?: Date | null;
  pendingEmail?: string | null;
  mfaEnabledAt?: Date | null;
  role?: UserRole;
  isActive?: boolean;
  lastLoginAt?: Date;
}

/** What a login reads again once its token is stored, to know whether it may keep it. */
export interface CredentialStanding {
  credentialVersion: number;
  isActive: boolean;
}

export interface UserPage {
  /** Only users whose email contains this text. */
  search?: string;
  /** Only users of a larger id: the keyset of the page before. */
  afterId: number;
  limit: number;
}

/**
 * Reads and writes `users` (the access-token lookup joins it too, read-only).
 * The UNIQUE index on `email` is the guard against duplicates: a pre-check
 * would race, the index cannot. Writes take the caller's transaction, so that
 * a change and what it causes (a link, a message) land together.
 */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly replicas: ReadReplicas,
    private readonly clock: Clock,
  ) {}

  private repository(transaction?: Transaction): Repository<User> {
    return transaction ? transaction.getRepository(User) : this.users;
  }

  async create(
    email: string,
    hashedPassword: string | null,
    transaction?: Transaction,
    emailVerifiedAt: Date | null = null,
  ): Promise<User> {
    try {
      const now = this.clock.now();
      const user = this.users.create({
        email,
        hashedPassword,
        isActive: true,
        emailVerifiedAt,
        pendingEmail: null,
        mfaEnabledAt: null,
        credentialVersion: 0,
        role: 'user',
        lastLoginAt: null,
        createdAt: now,
        updatedAt: now,
      });
      const { identifiers } = await this.repository(transaction).insert(user);
      return Object.assign(user, { id: Number(identifiers[0].id) });
    } catch (error) {
      throw this.translate(error);
    }
  }

  findById(id: number, transaction?: Transaction): Promise<User | null> {
    return this.repository(transaction).findOneBy({ id });
  }

  /** The account, its row locked until the transaction ends: changes that read then write its state queue behind each other. */
  findByIdForUpdate(id: number, transaction: Transaction): Promise<User | null> {
    return transaction.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The ids of the active admins, their rows locked until the transaction ends: what a check for the last admin counts. */
  async lockActiveAdminIds(transaction: Transaction): Promise<number[]> {
    const admins = await transaction
      .getRepository(User)
      .createQueryBuilder('user')
      .select('user.id', 'id')
      .where('user.role = :role AND user.is_active = :active', { role: 'admin', active: true })
      .setLock('pessimistic_write')
      .getRawMany<{ id: number }>();
    return admins.map((admin) => Number(admin.id));
  }

  /**
   * A page of users by id; `search` matches within the email (LIKE, its
   * wildcards escaped). A list for administrators, read on a replica when one
   * is live: it may lag the primary by up to DATABASE_REPLICA_MAX_LAG.
   */
  async findPageOnReplica({ search, afterId, limit }: UserPage): Promise<User[]> {
    const { result } = await this.replicas.mayLag((source) => {
      const query = source.getRepository(User).createQueryBuilder('user').where('user.id > :afterId', { afterId });
      if (search) query.andWhere("user.email LIKE :pattern ESCAPE '!'", { pattern: `%${search.replace(/[!%_]/g, '!$&')}%` });
      return query.orderBy('user.id', 'ASC').limit(limit).getMany();
    });
    return result;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  findByEmailWithHash(email: string): Promise<User | null> {
    return this.selectWithHash().where('user.email = :email', { email }).getOne();
  }

  findByIdWithHash(id: number, transaction?: Transaction): Promise<User | null> {
    return this.selectWithHash(transaction).where('user.id = :id', { id }).getOne();
  }

  async update(id: number, changes: AccountChanges, transaction?: Transaction): Promise<void> {
    try {
      await this.repository(transaction).update({ id }, { ...changes, updatedAt: this.clock.now() });
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Whether the account has a password (one created by an identity provider has none until it sets one). */
  async hasPassword(id: number, transaction?: Transaction): Promise<boolean> {
    return typeof (await this.findByIdWithHash(id, transaction))?.hashedPassword === 'string';
  }

  /** Moves the security stamp on, in the transaction of the change. */
  async bumpCredentialVersion(id: number, transaction: Transaction): Promise<void> {
    await transaction.getRepository(User).increment({ id }, 'credentialVersion', 1);
  }

  /**
   * The stamp and standing, read with a shared lock: a change still open on
   * the row is waited for, and seen. Null when the user is gone.
   */
  async findCredentialStanding(id: number): Promise<CredentialStanding | null> {
    const rows: Array<{ credentialVersion: number; isActive: number | boolean }> = await this.users.query(
      'SELECT credential_version AS credentialVersion, is_active AS isActive FROM users WHERE id = ? LOCK IN SHARE MODE',
      [id],
    );
    return rows[0] ? { credentialVersion: Number(rows[0].credentialVersion), isActive: Boolean(Number(rows[0].isActive)) } : null;
  }

  async recordLogin(id: number): Promise<void> {
    await this.users.update({ id }, { lastLoginAt: this.clock.now() });
  }

  /** Changes nothing when the stored hash is no longer `expectedHash`: a concurrent password change wins. */
  async replaceHash(id: number, expectedHash: string, hashedPassword: string): Promise<void> {
    await this.users.update({ id, hashedPassword: expectedHash }, { hashedPassword, updatedAt: this.clock.now() });
  }

  /** Deletes the account; its tokens and links go with it (foreign keys, ON DELETE CASCADE). */
  async delete(id: number, transaction: Transaction): Promise<void> {
    await this.repository(transaction).delete({ id });
  }

  private selectWithHash(transaction?: Transaction) {
    return this.repository(transaction).createQueryBuilder('user').addSelect('user.hashedPassword');
  }

  private translate(error: unknown): unknown {
    return isDuplicateEntryError(error) ? new DomainError('EMAIL_TAKEN') : error;
  }
}
