import { retryingDeadlocks } from './database-errors';

const deadlock = () =>
  Object.assign(new Error('Deadlock found when trying to get lock'), { driverError: { errno: 1213, code: 'ER_LOCK_DEADLOCK' } });

describe('retryingDeadlocks', () => {
  it('runs a deadlock victim again, and gives what the next try gives', async () => {
    const work = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(deadlock())
      .mockRejectedValueOnce(deadlock())
      .mockResolvedValue('done');

    await expect(retryingDeadlocks(work)).resolves.toBe('done');
    expect(work).toHaveBeenCalledTimes(3);
  });

  it('gives up after three tries, with the deadlock', async () => {
    const work = jest.fn<Promise<string>, []>().mockRejectedValue(deadlock());

    await expect(retryingDeadlocks(work)).rejects.toThrow('Deadlock found');
    expect(work).toHaveBeenCalledTimes(3);
  });

  it('never runs again what failed for another reason', async () => {
    const duplicate = Object.assign(new Error('Duplicate entry'), { driverError: { errno: 1062, code: 'ER_DUP_ENTRY' } });
    const work = jest.fn<Promise<string>, []>().mockRejectedValue(duplicate);

    await expect(retryingDeadlocks(work)).rejects.toBe(duplicate);
    expect(work).toHaveBeenCalledTimes(1);
  });
});
