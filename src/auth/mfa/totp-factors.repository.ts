import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import type { EncryptedSecret } from './mfa-secret.cipher';
import { TotpFactor } from './totp-factor.entity';

/** Reads and writes `totp_factors`. */
@Injectable()
export class TotpFactorsRepository {
  constructor(@InjectRepository(TotpFactor) private readonly factors: Repository<TotpFactor>) {}

  private repository(transaction?: Transaction): Repository<TotpFactor> {
    return transaction ? transaction.getRepository(TotpFactor) : this.factors;
  }

  find(userId: number, transaction?: Transaction): Promise<TotpFactor | null> {
    return this.repository(transaction).findOneBy({ userId });
  }

  /** The user's secret from now on, in place of any earlier one. */
  async replace(userId: number, secret: EncryptedSecret, now: Date, transaction: Transaction): Promise<void> {
    await this.repository(transaction).delete({ userId });
    await this.repository(transaction).insert({
      userId,
      secretCiphertext: secret.ciphertext,
      keyId: secret.keyId,
      lastUsedStep: null,
      createdAt: now,
    });
  }

  /**
   * Records `step` as the last one a code was accepted for, unless a code of
   * that step or a later one was accepted already: one conditional UPDATE,
   * so that of requests racing with one code exactly one gets `true`.
   */
  async acceptStep(userId: number, step: number, transaction?: Transaction): Promise<boolean> {
    const result = await this.repository(transaction)
      .createQueryBuilder()
      .update(TotpFactor)
      .set({ lastUsedStep: step })
      .where('user_id = :userId AND (last_used_step IS NULL OR last_used_step < :step)', { userId, step })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Stores the secret under another key; a no-op when another request did it first. */
  async reencrypt(userId: number, fromKeyId: string, secret: EncryptedSecret, transaction?: Transaction): Promise<void> {
    await this.repository(transaction).update({ userId, keyId: fromKeyId }, { secretCiphertext: secret.ciphertext, keyId: secret.keyId });
  }

  async delete(userId: number, transaction: Transaction): Promise<void> {
    await this.repository(transaction).delete({ userId });
  }

  /** How many secrets each key encrypted (an index-only scan). */
  async countByKey(): Promise<Map<string, number>> {
    const rows: { keyId: string; secrets: string | number }[] = await this.factors
      .createQueryBuilder('factor')
      .select('factor.key_id', 'keyId')
      .addSelect('COUNT(*)', 'secrets')
      .groupBy('factor.key_id')
      .getRawMany();
    return new Map(rows.map((row) => [row.keyId, Number(row.secrets)]));
  }
}
