import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { DeadRowStep, PrunesDeadRows } from '../../database/dead-rows';
import { RefreshToken } from './refresh-token.entity';

export type NewRefreshToken = Pick<RefreshToken, 'sessionId' | 'tokenHash' | 'scopes' | 'sessionStartedAt' | 'createdAt' | 'expiresAt'>;

/** Where a refresh token belongs: its session and the session's user. */
export interface RefreshTokenFamily {
  refreshTokenId: number;
  sessionId: number;
  userId: number;
}

/** Reads and writes `refresh_tokens`; expired ones are pruned (a used one too: past its expiry, reuse no longer matters). */
@PrunesDeadRows('refreshTokens')
@Injectable()
export class RefreshTokensRepository implements DeadRowStep {
  constructor(@InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>) {}

  async insert(token: NewRefreshToken, transaction?: Transaction): Promise<void> {
    await (transaction?.getRepository(RefreshToken) ?? this.tokens).insert({ ...token, usedAt: null });
  }

  /** The family of the token with this digest, read without a lock (the rotation locks in its own order). */
  async findFamily(tokenHash: Buffer): Promise<RefreshTokenFamily | null> {
    const rows: RefreshTokenFamily[] = await this.tokens.query(
      `SELECT r.id AS refreshTokenId, r.session_id AS sessionId, t.user_id AS userId
       FROM refresh_tokens r INNER JOIN access_tokens t ON t.id = r.session_id
       WHERE r.token_hash = ?`,
      [tokenHash],
    );
    const row = rows[0];
    return row ? { refreshTokenId: Number(row.refreshTokenId), sessionId: Number(row.sessionId), userId: Number(row.userId) } : null;
  }

  /** The token, locked until the transaction ends; null once its session has been deleted. */
  lockById(id: number, transaction: Transaction): Promise<RefreshToken | null> {
    return transaction
      .getRepository(RefreshToken)
      .createQueryBuilder('token')
      .where('token.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  async markUsed(id: number, usedAt: Date, transaction: Transaction): Promise<void> {
    await transaction.getRepository(RefreshToken).update({ id }, { usedAt });
  }

  async pruneDead(now: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.tokens.query(
      'DELETE FROM refresh_tokens WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      [now, limit],
    );
    return result.affectedRows;
  }
}
