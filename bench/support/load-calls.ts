/** The calls bench/run.ts and bench/scale.ts make of a load worker (bench/support/load-worker.ts). */
import type { ClosedLoopCommand, ClosedLoopResult, LoadCommand, LoadResult, OpenLoopCommand, OpenLoopResult } from './load-protocol';
import type { Worker } from './worker-rpc';

export type LoadWorker = Worker<LoadCommand, LoadResult>;

/** A throughput round; any answer other than 2xx, or without the command's `bodyIncludes`, fails it. */
export async function closedLoop(load: LoadWorker, command: Omit<ClosedLoopCommand, 'type'>, label: string): Promise<ClosedLoopResult> {
  const result = (await load.call({ type: 'closed', ...command })) as ClosedLoopResult;
  // A throughput that includes refusals or errors would flatter whoever refuses fastest.
  if (Object.keys(result.failures).length > 0)
    throw new Error(`${label}: answers other than 2xx or not as expected: ${JSON.stringify(result.failures)}`);
  return result;
}

/** A latency run at a fixed rate; its answers are counted by status, whatever they are. */
export async function openLoop(load: LoadWorker, command: Omit<OpenLoopCommand, 'type'>): Promise<OpenLoopResult> {
  return (await load.call({ type: 'open', ...command })) as OpenLoopResult;
}
