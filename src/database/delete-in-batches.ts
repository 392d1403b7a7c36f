import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs a bounded delete until a batch comes back short; returns how many rows
 * went in all. Bounded batches keep each statement's locks and undo small
 * while a pruning job clears a large backlog, and after each full batch the
 * job rests as long as the batch took: the database spends at most half its
 * time on the backlog, and requests' queries find it free the other half
 * (`npm run bench:scale` measures guarded reads while 2 million expired
 * tokens are pruned).
 */
export async function deleteInBatches(batchSize: number, deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const startedAt = performance.now();
    const batch = await deleteBatch(batchSize);
    deleted += batch;
    if (batch < batchSize) return deleted;
    await sleep(performance.now() - startedAt);
  }
}
