import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { Identity } from './identity.entity';

/** Reads and writes `identities`. */
@Injectable()
export class IdentitiesRepository {
  constructor(@InjectRepository(Identity) private readonly identities: Repository<Identity>) {}

  private repository(transaction?: Transaction): Repository<Identity> {
    return transaction ? transaction.getRepository(Identity) : this.identities;
  }

  find(provider: string, subject: string, transaction?: Transaction): Promise<Identity | null> {
    return this.repository(transaction).findOneBy({ provider, subject });
  }

  /** The user's identities, oldest first. */
  listOf(userId: number, transaction?: Transaction): Promise<Identity[]> {
    return this.repository(transaction).find({ where: { userId }, order: { id: 'ASC' } });
  }

  async insert(identity: Omit<Identity, 'id' | 'user'>, transaction: Transaction): Promise<void> {
    await this.repository(transaction).insert(identity);
  }

  /** The address the provider gave this time, and when: what the user sees of it. */
  async recordUse(id: number, email: string | null, now: Date): Promise<void> {
    await this.identities.update({ id }, { lastUsedAt: now, ...(email === null ? {} : { email }) });
  }

  /** Deletes the user's identity of this id; whether there was one. */
  async deleteOwned(userId: number, id: number, transaction: Transaction): Promise<boolean> {
    const result = await this.repository(transaction).delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
