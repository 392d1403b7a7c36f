import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { DeadRowStep, PrunesDeadRows } from '../../database/dead-rows';
import { ProviderFlow, ProviderFlowStage } from './provider-flow.entity';

/** Reads and writes `provider_flows`. */
@PrunesDeadRows('providerFlows')
@Injectable()
export class ProviderFlowsRepository implements DeadRowStep {
  constructor(@InjectRepository(ProviderFlow) private readonly flows: Repository<ProviderFlow>) {}

  async insert(flow: Omit<ProviderFlow, 'id' | 'user'>): Promise<void> {
    await this.flows.insert(flow);
  }

  findLive(secretHash: Buffer, stage: ProviderFlowStage, now: Date): Promise<ProviderFlow | null> {
    return this.flows.findOneBy({ secretHash, stage, expiresAt: MoreThan(now) });
  }

  /** Deletes the flow; whether this call did (of two racing for one flow, one does). */
  async take(id: number): Promise<boolean> {
    const result = await this.flows.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** Deletes up to `limit` expired flows (finished ones are deleted at once); returns how many. */
  async pruneDead(now: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.flows.query(
      'DELETE FROM provider_flows WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      [now, limit],
    );
    return result.affectedRows;
  }
}
