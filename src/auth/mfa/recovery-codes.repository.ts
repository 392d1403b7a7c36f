import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { RecoveryCode } from './recovery-code.entity';

/** Reads and writes `mfa_recovery_codes`. */
@Injectable()
export class RecoveryCodesRepository {
  constructor(@InjectRepository(RecoveryCode) private readonly codes: Repository<RecoveryCode>) {}

  private repository(transaction?: Transaction): Repository<RecoveryCode> {
    return transaction ? transaction.getRepository(RecoveryCode) : this.codes;
  }

  /** The user's set from now on: the old one dies with it. */
  async replaceAll(userId: number, codeHashes: Buffer[], now: Date, transaction: Transaction): Promise<void> {
    await this.repository(transaction).delete({ userId });
    await this.repository(transaction).insert(codeHashes.map((codeHash) => ({ userId, codeHash, createdAt: now })));
  }

  /** Uses the code up: true for the one request that deleted it, false for an unknown or spent one. */
  async consume(userId: number, codeHash: Buffer, transaction?: Transaction): Promise<boolean> {
    const result = await this.repository(transaction).delete({ userId, codeHash });
    return (result.affected ?? 0) > 0;
  }

  count(userId: number, transaction?: Transaction): Promise<number> {
    return this.repository(transaction).countBy({ userId });
  }

  async deleteAll(userId: number, transaction: Transaction): Promise<void> {
    await this.repository(transaction).delete({ userId });
  }
}
