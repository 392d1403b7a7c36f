import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { Clock } from '../common/time/clock';
import { isDuplicateEntryError } from '../common/errors/database-errors';
import { User } from './user.entity';

export interface CredentialChanges {
  email?: string;
  hashedPassword?: string;
}

/**
 * Reads and writes `users` (the access-token lookup joins it too, read-only).
 * The UNIQUE index on `email` is the guard against duplicates: a pre-check
 * would race, the index cannot.
 */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly clock: Clock,
  ) {}

  async create(email: string, hashedPassword: string): Promise<User> {
    try {
      const now = this.clock.now();
      const user = this.users.create({ email, hashedPassword, isActive: true, createdAt: now, updatedAt: now });
      const { identifiers } = await this.users.insert(user);
      return Object.assign(user, { id: Number(identifiers[0].id) });
    } catch (error) {
      throw this.translate(error);
    }
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmailWithHash(email: string): Promise<User | null> {
    return this.selectWithHash().where('user.email = :email', { email }).getOne();
  }

  findByIdWithHash(id: number): Promise<User | null> {
    return this.selectWithHash().where('user.id = :id', { id }).getOne();
  }

  async updateCredentials(id: number, changes: CredentialChanges): Promise<void> {
    try {
      await this.users.update({ id }, { ...changes, updatedAt: this.clock.now() });
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Changes nothing when the stored hash is no longer `expectedHash`: a concurrent password change wins. */
  async replaceHash(id: number, expectedHash: string, hashedPassword: string): Promise<void> {
    await this.users.update({ id, hashedPassword: expectedHash }, { hashedPassword, updatedAt: this.clock.now() });
  }

  private selectWithHash() {
    return this.users.createQueryBuilder('user').addSelect('user.hashedPassword');
  }

  private translate(error: unknown): unknown {
    return isDuplicateEntryError(error) ? new DomainError('EMAIL_TAKEN') : error;
  }
}
