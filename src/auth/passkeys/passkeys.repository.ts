import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { Passkey } from './passkey.entity';

export type NewPasskey = Omit<Passkey, 'id' | 'user' | 'lastUsedAt'>;

/** Reads and writes `passkeys`. */
@Injectable()
export class PasskeysRepository {
  constructor(@InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>) {}

  private repository(transaction?: Transaction): Repository<Passkey> {
    return transaction ? transaction.getRepository(Passkey) : this.passkeys;
  }

  async insert(passkey: NewPasskey, transaction: Transaction): Promise<Passkey> {
    const row = { ...passkey, lastUsedAt: null };
    const result = await this.repository(transaction).insert(row);
    return { ...row, id: Number(result.identifiers[0].id) };
  }

  /** The user's passkeys, oldest first. */
  listOf(userId: number, transaction?: Transaction): Promise<Passkey[]> {
    return this.repository(transaction).find({ where: { userId }, order: { id: 'ASC' } });
  }

  countOf(userId: number, transaction: Transaction): Promise<number> {
    return this.repository(transaction).countBy({ userId });
  }

  findByCredentialId(credentialId: Buffer): Promise<Passkey | null> {
    return this.passkeys.findOneBy({ credentialId });
  }

  findOwned(userId: number, id: number, transaction: Transaction): Promise<Passkey | null> {
    return this.repository(transaction).findOneBy({ id, userId });
  }

  async delete(userId: number, id: number, transaction: Transaction): Promise<void> {
    await this.repository(transaction).delete({ id, userId });
  }

  /**
   * Records a use, only if its counter moves the stored one forward (or
   * both are 0: an authenticator that keeps none). Of two assertions with
   * one counter value (a clone's, or a race), one request writes it and the
   * other gets false.
   */
  async recordUse(id: number, signCount: number, usedAt: Date): Promise<boolean> {
    const result: { affectedRows: number } = await this.passkeys.query(
      'UPDATE passkeys SET sign_count = ?, last_used_at = ? WHERE id = ? AND (sign_count < ? OR (? = 0 AND sign_count = 0))',
      [signCount, usedAt, id, signCount, signCount],
    );
    return result.affectedRows > 0;
  }
}
