/**
 * Runs a bounded delete until a batch comes back short; returns how many rows
 * went in all. Bounded batches keep each statement's locks and undo small
 * while a pruning job clears a large backlog.
 */
export async function deleteInBatches(batchSize: number, deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await deleteBatch(batchSize);
    deleted += batch;
    if (batch < batchSize) return deleted;
  }
}
