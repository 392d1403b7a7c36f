import type { Pruned } from '../../src/database/dead-row.pruner';

/**
 * What `result` (a DeadRowPruner.prune()) must equal when only `counts` were
 * deleted: every other step of the application, whichever modules brought
 * them, deleted nothing. `expect(result).toEqual(pruned(result, { accessTokens: 5 }))`.
 */
export function pruned(result: Pruned, counts: Pruned): Pruned {
  return { ...Object.fromEntries(Object.keys(result).map((step) => [step, 0])), ...counts };
}
