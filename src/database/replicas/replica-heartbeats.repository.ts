import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, LessThan, Repository } from 'typeorm';
import { ReplicaHeartbeat } from './replica-heartbeat.entity';

/** Writes an instance's beat on the primary, and reads it back on a replica. */
@Injectable()
export class ReplicaHeartbeatsRepository {
  constructor(@InjectRepository(ReplicaHeartbeat) private readonly beats: Repository<ReplicaHeartbeat>) {}

  async beat(instance: Buffer, at: Date): Promise<void> {
    await this.beats.upsert({ instance, beatAt: at }, ['instance']);
  }

  /** The instance's last beat as `replica` has it (null: none there yet). */
  async lastBeatOn(replica: EntityManager, instance: Buffer): Promise<Date | null> {
    const row = await replica.getRepository(ReplicaHeartbeat).findOne({ where: { instance }, select: { beatAt: true } });
    return row?.beatAt ?? null;
  }

  /** Beats of instances that stopped: up to `limit` rows older than `cutoff`. */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const stale = await this.beats.find({ where: { beatAt: LessThan(cutoff) }, select: { instance: true }, take: limit });
    if (stale.length === 0) return 0;
    await this.beats.delete({ instance: In(stale.map((row) => row.instance)) });
    return stale.length;
  }
}
