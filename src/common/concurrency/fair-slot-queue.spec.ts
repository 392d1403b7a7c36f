import { FairSlotQueue } from './fair-slot-queue';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Releases the slot `times` times, in turn, for the key that was admitted, and returns the order of admissions. */
async function drain(slots: FairSlotQueue, first: string, admitted: string[], times: number): Promise<string[]> {
  let holder = first;
  for (let round = 0; round < times; round++) {
    slots.release(holder);
    await settle();
    holder = admitted[admitted.length - 1];
  }
  return admitted;
}

describe('FairSlotQueue', () => {
  it('serves the waiting keys in rounds, one job each, whoever queued first and most', async () => {
    const slots = new FairSlotQueue(1);
    const admitted: string[] = [];
    expect(slots.tryTake('a')).toBe(true);
    const waits = ['a', 'a', 'a', 'b', 'b', 'c'].map((key) => slots.wait(key).then(() => admitted.push(key)));
    expect(slots.waiting).toBe(6);
    expect(slots.waitingOf('a')).toBe(3);

    await drain(slots, 'a', admitted, 6);
    await Promise.all(waits);

    // a had its turn with the slot it took: b and c first, then a round each.
    expect(admitted).toEqual(['b', 'c', 'a', 'b', 'a', 'a']);
  });

  it('counts, for a new job, only the waiting jobs ahead of it in the fair order', () => {
    const slots = new FairSlotQueue(1);
    slots.tryTake('flood');
    for (let queued = 0; queued < 4; queued++) void slots.wait('flood');

    expect(slots.aheadOf('flood')).toBe(4);
    expect(slots.aheadOf('other')).toBe(0);
  });

  it('passes a released slot to the next waiter without freeing it, and frees it when none is left', async () => {
    const slots = new FairSlotQueue(1);
    slots.tryTake('a');
    const waiter = slots.wait('b');

    slots.release('a');

    expect(slots.tryTake('c')).toBe(false);
    await waiter;
    slots.release('b');
    expect(slots.tryTake('c')).toBe(true);
  });

  it('turns away the waiters `release` refuses, with the refusal, and admits the next', async () => {
    const slots = new FairSlotQueue(1);
    slots.tryTake('a');
    const refusal = new Error('waited too long');
    const turnedAway = slots.wait('b');
    const admitted = slots.wait('c');
    let asked = 0;

    slots.release('a', () => (asked++ === 0 ? refusal : undefined));

    await expect(turnedAway).rejects.toBe(refusal);
    await expect(admitted).resolves.toBeUndefined();
    expect(slots.waiting).toBe(0);
    expect(slots.waitingOf('b')).toBe(0);
  });

  it('makes room for a key served less by refusing the job that would be served last, and never one served before it', async () => {
    const slots = new FairSlotQueue(1);
    slots.tryTake('a');
    const first = slots.wait('a');
    const last = slots.wait('a');
    const refusal = new Error('made way');

    expect(slots.canEvictFor('b')).toBe(true);
    slots.evictFor('b', refusal);

    await expect(last).rejects.toBe(refusal);
    expect(slots.waitingOf('a')).toBe(1);
    // a's remaining job comes before a's next one would: a cannot evict its own line.
    expect(slots.canEvictFor('a')).toBe(false);
    slots.release('a');
    await first;
  });
});
