import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Not, Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { LinkPurpose, LinkToken } from './link-token.entity';
import { DeadRowStep, PrunesDeadRows } from '../../database/dead-rows';

/** Reads and writes `link_tokens`. */
@PrunesDeadRows('linkTokens')
@Injectable()
export class LinkTokensRepository implements DeadRowStep {
  constructor(@InjectRepository(LinkToken) private readonly links: Repository<LinkToken>) {}

  private repository(transaction?: Transaction): Repository<LinkToken> {
    return transaction ? transaction.getRepository(LinkToken) : this.links;
  }

  async insert(link: Omit<LinkToken, 'id' | 'user'>, transaction: Transaction): Promise<void> {
    await this.repository(transaction).insert(link);
  }

  /** The live link of this purpose with this digest, if any. */
  findLive(tokenHash: Buffer, purpose: LinkPurpose, now: Date): Promise<LinkToken | null> {
    return this.links.findOneBy({ tokenHash, purpose, expiresAt: MoreThan(now) });
  }

  /** Deletes the link; false when another request used it first. */
  async consume(id: number, transaction: Transaction): Promise<boolean> {
    const result = await this.repository(transaction).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async deleteForUser(userId: number, purposes: LinkPurpose[], transaction: Transaction, exceptId?: number): Promise<void> {
    await this.repository(transaction).delete({ userId, purpose: In(purposes), ...(exceptId === undefined ? {} : { id: Not(exceptId) }) });
  }

  /** Deletes up to `limit` expired links; returns how many. */
  async pruneDead(now: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.links.query(
      'DELETE FROM link_tokens WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      [now, limit],
    );
    return result.affectedRows;
  }
}
