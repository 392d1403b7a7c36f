import { setTimeout as sleep } from 'node:timers/promises';

/** How long a test's client keeps asking again, as the service's Retry-After tells it to. */
const PATIENCE_MS = 30_000;

/**
 * Sends a request as a real client would: an answer of 503 with Retry-After
 * (work shed under load, a request past its deadline) is asked again after
 * the wait it names, for up to 30 s; any other answer is final. A busy
 * machine then slows a suite's set-up down instead of failing it.
 */
export async function patiently<Answer>(
  send: () => Promise<Answer>,
  retryAfterOf: (answer: Answer) => number | undefined,
): Promise<Answer> {
  const deadline = performance.now() + PATIENCE_MS;
  for (;;) {
    const answer = await send();
    const waitSeconds = retryAfterOf(answer);
    if (waitSeconds === undefined || performance.now() + waitSeconds * 1000 > deadline) return answer;
    await sleep(waitSeconds * 1000);
  }
}

/** The Retry-After of a 503, in seconds; undefined for any other answer. */
export function retryAfterOf503(status: number, retryAfter: string | null | undefined): number | undefined {
  if (status !== 503 || retryAfter === null || retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
