import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ReadReplicas } from '../../database/replicas/read-replicas';
import { SecurityEvent, SecurityEventType } from './security-event.entity';

export type NewSecurityEvent = Omit<SecurityEvent, 'id'>;

export interface SecurityEventQuery {
  userId?: number;
  type?: SecurityEventType;
  /** Only events older than this id: the keyset of the page before (0: from the newest). */
  beforeId: number;
  limit: number;
}

/** Reads and writes `security_events`. */
@Injectable()
export class SecurityEventsRepository {
  constructor(
    @InjectRepository(SecurityEvent) private readonly events: Repository<SecurityEvent>,
    private readonly replicas: ReadReplicas,
  ) {}

  async insertMany(events: NewSecurityEvent[]): Promise<void> {
    await this.events.insert(events);
  }

  /**
   * Newest first, by the indexes on (user_id, id) and (type, id). Read on a
   * replica when one is live: the newest events may be missing for up to
   * DATABASE_REPLICA_MAX_LAG.
   */
  async findPageOnReplica({ userId, type, beforeId, limit }: SecurityEventQuery): Promise<SecurityEvent[]> {
    const { result } = await this.replicas.mayLag((source) => {
      const query = source.getRepository(SecurityEvent).createQueryBuilder('event').where('1 = 1');
      if (userId !== undefined) query.andWhere('event.user_id = :userId', { userId });
      if (type !== undefined) query.andWhere('event.type = :type', { type });
      if (beforeId > 0) query.andWhere('event.id < :beforeId', { beforeId });
      return query.orderBy('event.id', 'DESC').limit(limit).getMany();
    });
    return result;
  }

  /** Deletes up to `limit` events recorded before `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.events.query(
      'DELETE FROM security_events WHERE created_at < ? ORDER BY created_at LIMIT ?',
      [cutoff, limit],
    );
    return result.affectedRows;
  }
}
