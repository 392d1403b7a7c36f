import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { TokenRevocation } from './token-revocation.entity';

export interface Revocation {
  id: number;
  userId: number;
  /** Null: every token and the details of the user. */
  tokenId: number | null;
}

/** Reads and writes `token_revocations`. */
@Injectable()
export class TokenRevocationsRepository {
  constructor(@InjectRepository(TokenRevocation) private readonly revocations: Repository<TokenRevocation>) {}

  async insert(userId: number, tokenIds: readonly number[] | null, now: Date, transaction: Transaction): Promise<void> {
    const rows = tokenIds === null ? [{ userId, tokenId: null }] : tokenIds.map((tokenId) => ({ userId, tokenId }));
    if (rows.length === 0) return;
    await transaction.getRepository(TokenRevocation).insert(rows.map((row) => ({ ...row, createdAt: now })));
  }

  /** The lines after `afterId`, oldest first: one range scan of the primary key. */
  async readAfter(afterId: number, limit: number): Promise<Revocation[]> {
    const rows: Array<{ id: string | number; userId: number; tokenId: number | null }> = await this.revocations.query(
      'SELECT id, user_id AS userId, token_id AS tokenId FROM token_revocations WHERE id > ? ORDER BY id LIMIT ?',
      [afterId, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), userId: row.userId, tokenId: row.tokenId }));
  }

  /** The newest line's id (0 for none): where an instance that starts with an empty cache begins to read. */
  async newestId(): Promise<number> {
    const [row]: Array<{ id: string | number | null }> = await this.revocations.query('SELECT MAX(id) AS id FROM token_revocations');
    return Number(row?.id ?? 0);
  }

  /** Deletes up to `limit` lines written before `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.revocations.query(
      'DELETE FROM token_revocations WHERE created_at < ? ORDER BY created_at LIMIT ?',
      [cutoff, limit],
    );
    return result.affectedRows;
  }
}
