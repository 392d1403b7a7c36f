interface Waiter {
  key: string;
  /** Where the job stands in the fair order: served lowest first. */
  startTag: number;
  arrival: number;
  enqueuedAt: number;
  admit: () => void;
  refuse: (error: Error) => void;
}

/** A key's place in the fair order, while it has jobs waiting or running. */
interface KeyState {
  /** The start tag the key's next job would be given, at the earliest. */
  nextTag: number;
  jobs: number;
  waiting: number;
}

/**
 * Slots shared fairly among keys (clients): at most `capacity` held at once;
 * the others wait, and a freed slot goes to the waiting job of the key that
 * has been served least (start-time fair queueing, every job counted as one
 * unit). A key that queues ten jobs takes one turn in each round, not the next
 * ten turns: a new key's first job waits for at most one job of each key
 * ahead of it, whatever they queued. A slot given back goes straight to the
 * next job, never free in between, so no newcomer overtakes by `tryTake`.
 */
export class FairSlotQueue {
  private held = 0;
  /** The start tag of the job started last: where a key that was idle comes back in. */
  private virtualTime = 0;
  private arrivals = 0;
  private readonly waiters: Waiter[] = [];
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly capacity: number) {}

  get waiting(): number {
    return this.waiters.length;
  }

  get full(): boolean {
    return this.held >= this.capacity;
  }

  waitingOf(key: string): number {
    return this.keys.get(key)?.waiting ?? 0;
  }

  /** A slot at once for a job of `key`, when one is free. */
  tryTake(key: string): boolean {
    if (this.full) return false;
    this.held++;
    this.virtualTime = this.enter(key).startTag;
    return true;
  }

  /** How many waiting jobs would start before a job of `key` enqueued now. */
  aheadOf(key: string): number {
    const startTag = this.nextTagOf(key);
    return this.waiters.filter((waiter) => waiter.startTag <= startTag).length;
  }

  /** Waits for a slot, in the fair order; rejects with the error a `release` or an `evictFor` turned it away with. */
  wait(key: string): Promise<void> {
    const { startTag, state } = this.enter(key);
    state.waiting++;
    return new Promise<void>((admit, refuse) =>
      this.waiters.push({ key, startTag, arrival: this.arrivals++, enqueuedAt: performance.now(), admit, refuse }),
    );
  }

  /**
   * Whether a job of `key` could take a place in a line that is full: only
   * from a job that would be served after it (the newest job of the key
   * served most), which `evictFor` then refuses.
   */
  canEvictFor(key: string): boolean {
    const last = this.lastInOrder();
    return last !== undefined && last.startTag > this.nextTagOf(key);
  }

  /** Refuses the job served last, with `refusal`, to make a place for one of `key` (see canEvictFor). */
  evictFor(key: string, refusal: Error): void {
    const last = this.lastInOrder();
    if (!last || last.startTag <= this.nextTagOf(key)) return;
    this.waiters.splice(this.waiters.indexOf(last), 1);
    this.leave(last.key, true);
    last.refuse(refusal);
  }

  /**
   * Gives back the slot of a job of `key`: to the next waiter in the fair
   * order that `turnAway` lets through (it names the refusal of a waiter that
   * has waited `waitedMs`), else free.
   */
  release(key: string, turnAway?: (waitedMs: number) => Error | undefined): void {
    this.leave(key, false);
    const now = performance.now();
    for (let next = this.firstInOrder(); next; next = this.firstInOrder()) {
      this.waiters.splice(this.waiters.indexOf(next), 1);
      const refusal = turnAway?.(now - next.enqueuedAt);
      if (!refusal) {
        this.keys.get(next.key)!.waiting--;
        this.virtualTime = Math.max(this.virtualTime, next.startTag);
        return next.admit();
      }
      this.leave(next.key, true);
      next.refuse(refusal);
    }
    this.held--;
  }

  private nextTagOf(key: string): number {
    return Math.max(this.virtualTime, this.keys.get(key)?.nextTag ?? 0);
  }

  private enter(key: string): { startTag: number; state: KeyState } {
    const startTag = this.nextTagOf(key);
    const state = this.keys.get(key) ?? { nextTag: 0, jobs: 0, waiting: 0 };
    state.nextTag = startTag + 1;
    state.jobs++;
    this.keys.set(key, state);
    return { startTag, state };
  }

  /** A job of `key` ended (ran, or was refused while waiting): a key with no job left is forgotten. */
  private leave(key: string, wasWaiting: boolean): void {
    const state = this.keys.get(key);
    if (!state) return;
    state.jobs--;
    if (wasWaiting) state.waiting--;
    if (state.jobs === 0) this.keys.delete(key);
  }

  private firstInOrder(): Waiter | undefined {
    return this.waiters.reduce<Waiter | undefined>((first, waiter) => (first && precedes(first, waiter) ? first : waiter), undefined);
  }

  private lastInOrder(): Waiter | undefined {
    return this.waiters.reduce<Waiter | undefined>((last, waiter) => (last && precedes(waiter, last) ? last : waiter), undefined);
  }
}

/** The fair order: the lower start tag first, then the earlier arrival. */
function precedes(a: Waiter, b: Waiter): boolean {
  return a.startTag < b.startTag || (a.startTag === b.startTag && a.arrival < b.arrival);
}
