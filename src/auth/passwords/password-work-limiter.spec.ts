import { defaultSettings } from '../../../test/support/default-settings';
import { PasswordWorkLimiter } from './password-work-limiter';

/** A job that finishes only when the test says so: no timers, no sleeps. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const job = jest.fn(() => done);
  return { job, finish };
}

const CLIENT = '203.0.113.7';
const limiterWith = (
  passwordHashingConcurrency: number,
  passwordHashingQueue: number,
  passwordHashingMaxWaitMs = 0,
  passwordHashingQueuePerClient = 100,
) =>
  new PasswordWorkLimiter({
    ...defaultSettings.auth,
    passwordHashingConcurrency,
    passwordHashingQueue,
    passwordHashingMaxWaitMs,
    passwordHashingQueuePerClient,
  });
const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('PasswordWorkLimiter', () => {
  it('runs up to the concurrency at once, queues the next, and refuses past the queue with 503 + Retry-After', async () => {
    const limiter = limiterWith(1, 1);
    const first = deferred();
    const second = deferred();
    const third = deferred();

    const running = limiter.run(first.job, CLIENT);
    const queued = limiter.run(second.job, CLIENT);
    const refused = limiter.run(third.job, CLIENT);

    await expect(refused).rejects.toEqual(expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 }));
    await expect(refused).rejects.toBeDomainError('SERVICE_UNAVAILABLE', 503);
    expect(first.job).toHaveBeenCalled();
    expect(second.job).not.toHaveBeenCalled();
    expect(third.job).not.toHaveBeenCalled();

    first.finish();
    await running;
    await flushMicrotasks();
    expect(second.job).toHaveBeenCalled();
    second.finish();
    await queued;
  });

  it('frees its slot when a job fails', async () => {
    const limiter = limiterWith(1, 0);

    await expect(limiter.run(() => Promise.reject(new Error('bcrypt failed')), CLIENT)).rejects.toThrow('bcrypt failed');

    await expect(limiter.run(() => Promise.resolve('ran'), CLIENT)).resolves.toBe('ran');
  });

  it('accepts new work again once the queue has drained', async () => {
    const limiter = limiterWith(2, 0);
    const jobs = [deferred(), deferred()];
    const runs = jobs.map((job) => limiter.run(job.job, CLIENT));
    await expect(limiter.run(() => Promise.resolve(), CLIENT)).rejects.toBeDomainError('SERVICE_UNAVAILABLE', 503);

    jobs.forEach((job) => job.finish());
    await Promise.all(runs);

    await expect(limiter.run(() => Promise.resolve('again'), CLIENT)).resolves.toBe('again');
  });

  it('refuses at once, before any work, when the queue is full', async () => {
    const limiter = limiterWith(1, 1);
    const first = deferred();
    const second = deferred();
    expect(() => limiter.assertCapacity(CLIENT)).not.toThrow();
    const running = limiter.run(first.job, CLIENT);
    const queued = limiter.run(second.job, CLIENT);

    expect(() => limiter.assertCapacity(CLIENT)).toThrow(expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 }));

    first.finish();
    await running;
    await flushMicrotasks();
    second.finish();
    await queued;
    expect(() => limiter.assertCapacity(CLIENT)).not.toThrow();
  });

  it('refuses a queued job that has waited longer than the bound, and runs the next one in time', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const limiter = limiterWith(1, 3, 1000);
      const first = deferred();
      const stale = deferred();
      const fresh = deferred();
      const running = limiter.run(first.job, CLIENT);
      const waitedTooLong = limiter.run(stale.job, CLIENT);
      jest.advanceTimersByTime(900);
      const inTime = limiter.run(fresh.job, CLIENT);
      jest.advanceTimersByTime(200);

      first.finish();
      await running;
      await expect(waitedTooLong).rejects.toEqual(expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 }));
      await Promise.resolve();
      expect(stale.job).not.toHaveBeenCalled();
      expect(fresh.job).toHaveBeenCalled();
      fresh.finish();
      await inTime;
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses at once a job that the jobs ahead of it would keep waiting past the bound', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const limiter = limiterWith(1, 10, 1000);
      const timed = deferred();
      const learning = limiter.run(timed.job, CLIENT);
      jest.advanceTimersByTime(600);
      timed.finish();
      await learning;

      const first = deferred();
      const second = deferred();
      const running = limiter.run(first.job, CLIENT);
      const queued = limiter.run(second.job, CLIENT);
      // One job ahead in the queue and one running, at 600 ms each: a third would wait 1.2 s.
      await expect(limiter.run(deferred().job, CLIENT)).rejects.toEqual(expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }));
      expect(() => limiter.assertCapacity(CLIENT)).toThrow(expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }));

      first.finish();
      await running;
      await Promise.resolve();
      second.finish();
      await queued;
    } finally {
      jest.useRealTimers();
    }
  });

  it("holds at most PASSWORD_HASHING_QUEUE_PER_CLIENT places for one client: its flood sheds its own jobs, not another's", async () => {
    const limiter = limiterWith(1, 16, 0, 2);
    const flood = '2001:db8:1:2::1';
    const running = deferred();
    const queued = [deferred(), deferred()];
    const runs = [running, ...queued].map((job) => limiter.run(job.job, flood));

    // A third place in the queue: refused, from any address of the same /64.
    await expect(limiter.run(deferred().job, '2001:db8:1:2::ffff')).rejects.toBeDomainError('SERVICE_UNAVAILABLE', 503);
    expect(() => limiter.assertCapacity(flood)).toThrow(expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 }));

    // Another client keeps its place, and gets its turn.
    expect(() => limiter.assertCapacity(CLIENT)).not.toThrow();
    const other = deferred();
    const otherRun = limiter.run(other.job, CLIENT);
    for (const job of [running, other, ...queued]) {
      job.finish();
      await flushMicrotasks();
    }
    await Promise.all([...runs, otherRun]);
    expect(other.job).toHaveBeenCalled();
  });

  it("serves another client's job next, ahead of the jobs a flooding client queued first", async () => {
    const limiter = limiterWith(1, 16, 0, 4);
    const flood = '198.51.100.9';
    const started: string[] = [];
    const job = (name: string) => {
      const job = deferred();
      return { ...job, run: (client: string) => limiter.run(() => (started.push(name), job.job()), client) };
    };
    const floodJobs = ['f1', 'f2', 'f3', 'f4', 'f5'].map(job);
    const floodRuns = floodJobs.map((floodJob) => floodJob.run(flood));
    const other = job('other');
    const otherRun = other.run(CLIENT);

    for (const running of [floodJobs[0], other, ...floodJobs.slice(1)]) {
      running.finish();
      await flushMicrotasks();
    }
    await Promise.all([...floodRuns, otherRun]);

    expect(started).toEqual(['f1', 'other', 'f2', 'f3', 'f4', 'f5']);
  });

  it("judges another client's wait by its place in the fair order: admitted beside a flood whose queue alone would be too long", async () => {
    jest.useFakeTimers({ now: 0, doNotFake: ['setImmediate'] });
    try {
      const limiter = limiterWith(1, 16, 1000, 4);
      const timed = deferred();
      const learning = limiter.run(timed.job, CLIENT);
      jest.advanceTimersByTime(400);
      timed.finish();
      await learning;

      const flood = '198.51.100.9';
      const floodJobs = [deferred(), deferred(), deferred()];
      const floodRuns = floodJobs.map((floodJob) => limiter.run(floodJob.job, flood));
      // The flood's own third place: two ahead and one running, 1.2 s at 400 ms each.
      await expect(limiter.run(deferred().job, flood)).rejects.toBeDomainError('SERVICE_UNAVAILABLE', 503);
      // Another client is next in the fair order: one running job ahead, 400 ms.
      expect(() => limiter.assertCapacity(CLIENT)).not.toThrow();
      const other = deferred();
      const otherRun = limiter.run(other.job, CLIENT);

      floodJobs[0].finish();
      await floodRuns[0];
      await flushMicrotasks();
      expect(other.job).toHaveBeenCalled();
      other.finish();
      await otherRun;
      for (const [index, floodJob] of floodJobs.slice(1).entries()) {
        floodJob.finish();
        await floodRuns[index + 1];
        await flushMicrotasks();
      }
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives a newcomer the place of the job served last when the whole queue is full, and refuses that job', async () => {
    const limiter = limiterWith(1, 4, 0, 3);
    const [a, b] = ['198.51.100.1', '198.51.100.2'];
    const running = deferred();
    const runningRun = limiter.run(running.job, a);
    const queued = [deferred(), deferred(), deferred(), deferred()];
    // a queues two, b queues two: the queue is full; b's second is the last in the fair order.
    const queuedRuns = [
      limiter.run(queued[0].job, a),
      limiter.run(queued[1].job, a),
      limiter.run(queued[2].job, b),
      limiter.run(queued[3].job, b),
    ];
    const settled = queuedRuns.map((run) =>
      run.then(
        () => 'ran',
        () => 'refused',
      ),
    );

    const newcomer = deferred();
    const newcomerRun = limiter.run(newcomer.job, CLIENT);

    // a's second job stood last (a had its turn already with the running one): it makes way.
    await expect(queuedRuns[1]).rejects.toBeDomainError('SERVICE_UNAVAILABLE', 503);
    for (const job of [running, queued[2], newcomer, queued[0], queued[3]]) {
      job.finish();
      await flushMicrotasks();
    }
    await Promise.all([runningRun, newcomerRun]);
    expect(await Promise.all(settled)).toEqual(['ran', 'refused', 'ran', 'ran']);
    expect(newcomer.job).toHaveBeenCalled();
  });
});
