import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../common/time/clock';
import { DeadRowStep, PrunesDeadRows } from './dead-rows';
import { deleteInBatches } from './delete-in-batches';

export const PRUNE_JOB_NAME = 'prune-dead-rows';
const DEFAULT_BATCH_SIZE = 1000;

/** How many rows each step deleted, by the step's name. */
export type Pruned = Record<string, number>;

/**
 * Runs every store's DeadRowStep (found at start-up among the providers
 * marked @PrunesDeadRows), one bounded batch at a time, so that the tables
 * hold only what is still read. Runs every ten minutes on every instance
 * (each step is idempotent, so instances need no coordination) and from
 * `npm run tokens:prune`.
 */
@Injectable()
export class DeadRowPruner implements OnModuleInit {
  private readonly logger = new Logger(DeadRowPruner.name);
  private steps: Array<{ name: string; step: DeadRowStep }> = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.steps = this.discovery
      .getProviders({ metadataKey: PrunesDeadRows.KEY })
      .map((wrapper) => ({ name: this.discovery.getMetadataByDecorator(PrunesDeadRows, wrapper)!, step: wrapper.instance as DeadRowStep }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // A run that outlasts ten minutes (a backlog of millions of rows) is not joined by the next one.
  @Cron(CronExpression.EVERY_10_MINUTES, { name: PRUNE_JOB_NAME, waitForCompletion: true })
  async pruneOnSchedule(): Promise<void> {
    try {
      await this.prune();
    } catch (error) {
      this.logger.warn({ event: 'rows.prune_failed', error: (error as Error).message });
    }
  }

  /** Deletes every row dead at this instant; returns how many each step deleted. */
  async prune(batchSize = DEFAULT_BATCH_SIZE): Promise<Pruned> {
    const now = this.clock.now();
    const deleted: Pruned = {};
    for (const { name, step } of this.steps) deleted[name] = await deleteInBatches(batchSize, (limit) => step.pruneDead(now, limit));
    this.logger.log({ event: 'rows.pruned', deleted });
    return deleted;
  }
}
