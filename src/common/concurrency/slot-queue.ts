interface Waiter {
  enqueuedAt: number;
  admit: () => void;
  refuse: (error: Error) => void;
}

/**
 * Slots handed from one holder to the next: at most `capacity` held at once,
 * the others wait in arrival order. A slot given back goes straight to the
 * next waiter, never free in between, so no newcomer overtakes the line; a
 * waiter may be turned away instead when its turn comes.
 */
export class SlotQueue {
  private held = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly capacity: number) {}

  get waiting(): number {
    return this.waiters.length;
  }

  get full(): boolean {
    return this.held >= this.capacity;
  }

  get idle(): boolean {
    return this.held === 0 && this.waiters.length === 0;
  }

  /** A slot at once, when one is free. */
  tryTake(): boolean {
    if (this.full) return false;
    this.held++;
    return true;
  }

  /** Waits in line for a slot; rejects with the error that `release` turned it away with. */
  wait(): Promise<void> {
    return new Promise<void>((admit, refuse) => this.waiters.push({ enqueuedAt: performance.now(), admit, refuse }));
  }

  /**
   * Gives a slot back: to the first waiter that `turnAway` lets through (it
   * names the refusal of a waiter that has waited `waitedMs`), else free.
   */
  release(turnAway?: (waitedMs: number) => Error | undefined): void {
    const now = performance.now();
    for (let next = this.waiters.shift(); next; next = this.waiters.shift()) {
      const refusal = turnAway?.(now - next.enqueuedAt);
      if (!refusal) return next.admit();
      next.refuse(refusal);
    }
    this.held--;
  }
}
