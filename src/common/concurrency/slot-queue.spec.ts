import { SlotQueue } from './slot-queue';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SlotQueue', () => {
  it('hands out `capacity` slots at once, then lines waiters up in arrival order', async () => {
    const slots = new SlotQueue(2);
    expect([slots.tryTake(), slots.tryTake(), slots.tryTake()]).toEqual([true, true, false]);
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => slots.wait().then(() => order.push(n)));
    expect(slots.waiting).toBe(3);

    for (let released = 0; released < 3; released++) {
      slots.release();
      await settle();
    }
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it('passes a released slot to the next waiter without freeing it, so no newcomer overtakes the line', async () => {
    const slots = new SlotQueue(1);
    slots.tryTake();
    const waiter = slots.wait();

    slots.release();

    expect(slots.tryTake()).toBe(false);
    await waiter;
    slots.release();
    expect(slots.idle).toBe(true);
  });

  it('turns away the waiters `release` refuses, with the refusal, and admits the next', async () => {
    const slots = new SlotQueue(1);
    slots.tryTake();
    const turnedAway = slots.wait();
    const admitted = slots.wait();
    const refusal = new Error('waited too long');
    let asked = 0;

    slots.release(() => (asked++ === 0 ? refusal : undefined));

    await expect(turnedAway).rejects.toBe(refusal);
    await expect(admitted).resolves.toBeUndefined();
    expect(slots.full).toBe(true);
  });

  it('frees the slot when every waiter is turned away', async () => {
    const slots = new SlotQueue(1);
    slots.tryTake();
    const turnedAway = slots.wait();

    slots.release(() => new Error('no'));

    await expect(turnedAway).rejects.toThrow('no');
    expect(slots.idle).toBe(true);
    expect(slots.tryTake()).toBe(true);
  });
});
