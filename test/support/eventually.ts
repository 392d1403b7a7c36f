import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `condition` until it holds; false when `timeoutMs` passed first. */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}
