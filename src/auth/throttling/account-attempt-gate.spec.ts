import { AccountAttemptGate } from './account-attempt-gate';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AccountAttemptGate', () => {
  const ada = Buffer.from('ada');
  const bob = Buffer.from('bob');

  it('lets `capacity` attempts of one account in at once; the next waits for one to leave, and says it waited', async () => {
    const gate = new AccountAttemptGate(2);
    await expect(gate.enter(ada)).resolves.toBe(false);
    await expect(gate.enter(ada)).resolves.toBe(false);
    let thirdWaited: boolean | undefined;
    const third = gate.enter(ada).then((waited) => (thirdWaited = waited));
    await settle();
    expect(thirdWaited).toBeUndefined();

    gate.leave(ada);
    await third;
    expect(thirdWaited).toBe(true);
  });

  it('keeps accounts apart', async () => {
    const gate = new AccountAttemptGate(1);
    await gate.enter(ada);
    await expect(gate.enter(bob)).resolves.toBe(false);
  });

  it('admits waiters in arrival order', async () => {
    const gate = new AccountAttemptGate(1);
    await gate.enter(ada);
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => gate.enter(ada).then(() => order.push(n)));
    for (let left = 0; left < 3; left++) {
      gate.leave(ada);
      await settle();
    }
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it('refuses with 429 once too many wait for one account', async () => {
    const gate = new AccountAttemptGate(1);
    await gate.enter(ada);
    for (let n = 0; n < 256; n++) void gate.enter(ada);
    await expect(gate.enter(ada)).rejects.toBeDomainError('TOO_MANY_REQUESTS', 429);
  });
});
