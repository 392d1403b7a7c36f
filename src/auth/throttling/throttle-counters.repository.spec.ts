import { mock } from 'jest-mock-extended';
import type { Repository } from 'typeorm';
import type { Transaction } from '../../database/unit-of-work';
import { ThrottleCounter } from './throttle-counter.entity';
import { ThrottleCountersRepository } from './throttle-counters.repository';

const deadlock = () => Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213 });

describe('ThrottleCountersRepository.increment', () => {
  const key = Buffer.alloc(32);
  const now = new Date('2026-01-01T00:00:00Z');
  const windowEndsAt = new Date('2026-01-01T00:15:00Z');

  it('counts again when InnoDB picked the count as a deadlock victim (rolled back whole), and gives up after three tries', async () => {
    const counters = mock<Repository<ThrottleCounter>>();
    counters.query.mockRejectedValueOnce(deadlock()).mockResolvedValueOnce({ insertId: 4 });
    const repository = new ThrottleCountersRepository(counters);

    await expect(repository.increment(key, now, windowEndsAt)).resolves.toBe(4);
    expect(counters.query).toHaveBeenCalledTimes(2);

    counters.query.mockReset();
    counters.query.mockRejectedValue(deadlock());
    await expect(repository.increment(key, now, windowEndsAt)).rejects.toThrow(/Deadlock/);
    expect(counters.query).toHaveBeenCalledTimes(3);
  });

  it('leaves a deadlock in a transaction to the unit of work, which runs the whole transaction again', async () => {
    const counters = mock<Repository<ThrottleCounter>>();
    const transaction = mock<Transaction>();
    transaction.query.mockRejectedValue(deadlock());
    const repository = new ThrottleCountersRepository(counters);

    await expect(repository.increment(key, now, windowEndsAt, transaction)).rejects.toThrow(/Deadlock/);
    expect(transaction.query).toHaveBeenCalledTimes(1);
    expect(counters.query).not.toHaveBeenCalled();
  });

  it('never repeats a count that failed for another reason', async () => {
    const counters = mock<Repository<ThrottleCounter>>();
    counters.query.mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const repository = new ThrottleCountersRepository(counters);

    await expect(repository.increment(key, now, windowEndsAt)).rejects.toThrow(/ECONNREFUSED/);
    expect(counters.query).toHaveBeenCalledTimes(1);
  });
});
