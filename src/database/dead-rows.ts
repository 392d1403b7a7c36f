import { DiscoveryService } from '@nestjs/core';

/**
 * A store's step of the pruning: deletes at most `limit` of its rows that
 * nothing reads any more at `now`, and says how many went. Called again until
 * a batch comes back short.
 */
export interface DeadRowStep {
  pruneDead(now: Date, limit: number): Promise<number>;
}

/**
 * Marks a provider as a DeadRowStep; the name is the key of its count in
 * what DeadRowPruner.prune() returns and logs. A store registers its own
 * step in its own module: the pruner knows none of them.
 */
export const PrunesDeadRows = DiscoveryService.createDecorator<string>();
