import { Inject, Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { FairSlotQueue } from '../../common/concurrency/fair-slot-queue';
import { DomainError } from '../../common/errors/domain-error';
import { authConfig, AuthConfig } from '../../config/app.config';
import { throttlingClientKey } from '../throttling/client-network';

const RETRY_AFTER_SECONDS = 1;
/** Weight of the newest job in the running average of job times. */
const AVERAGE_WEIGHT = 0.2;

const overloaded = () => DomainError.retryLater('SERVICE_UNAVAILABLE', RETRY_AFTER_SECONDS, 'Too many sign-ins at once: try again shortly');

/**
 * Admission control for bcrypt: at most one job per core runs (leaving libuv's
 * other threads to file and DNS work), a bounded queue waits, and work past the
 * queue is refused at once with 503 instead of making every login slower.
 *
 * The queue is fair across clients (an IPv4 address or an IPv6 /64): a freed
 * core goes to the client served least (FairSlotQueue), so that a client
 * flooding the logins takes one turn in each round and another client's login
 * waits for about one job per core, not for the flood. One client holds at
 * most PASSWORD_HASHING_QUEUE_PER_CLIENT places; when the whole queue is
 * full, a newcomer takes the place of the job that would be served last (the
 * newest of the client served most), which gets the 503.
 * PASSWORD_HASHING_MAX_WAIT_MS bounds the wait as well: a job is refused at
 * once when the jobs ahead of it in the fair order would, at the average job
 * time, keep it waiting longer, and a job that has waited longer anyway (the
 * flooder's, overtaken by others) is refused when its turn comes. The answers
 * that do come stay within a bounded time.
 */
@Injectable()
export class PasswordWorkLimiter {
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private readonly maxWaitMs: number;
  private readonly queuePerClient: number;
  private readonly slots: FairSlotQueue;
  private averageJobMs = 0;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    this.concurrency = config.passwordHashingConcurrency || availableParallelism();
    this.queueLimit = config.passwordHashingQueue;
    this.maxWaitMs = config.passwordHashingMaxWaitMs;
    this.queuePerClient = config.passwordHashingQueuePerClient;
    this.slots = new FairSlotQueue(this.concurrency);
  }

  /** Refuses at once, before any other work is spent on a request, when this client's job could not even wait. */
  assertCapacity(clientAddress: string): void {
    if (this.slots.full && this.admission(throttlingClientKey(clientAddress)) === 'refuse') throw overloaded();
  }

  /** Runs one bcrypt job for the client at `clientAddress`, now or after a wait in the queue, or refuses it with 503. */
  async run<T>(work: () => Promise<T>, clientAddress: string): Promise<T> {
    const client = throttlingClientKey(clientAddress);
    if (!this.slots.tryTake(client)) {
      const admission = this.admission(client);
      if (admission === 'refuse') throw overloaded();
      if (admission === 'evict') this.slots.evictFor(client, overloaded());
      await this.slots.wait(client);
    }
    const startedAt = performance.now();
    try {
      return await work();
    } finally {
      this.learnJobTime(performance.now() - startedAt);
      this.slots.release(client, (waitedMs) => (this.maxWaitMs > 0 && waitedMs > this.maxWaitMs ? overloaded() : undefined));
    }
  }

  /** Whether a job of this client may wait: in a free place, in the place of a job served after it, or not at all. */
  private admission(client: string): 'wait' | 'evict' | 'refuse' {
    if (this.slots.waitingOf(client) >= this.queuePerClient) return 'refuse';
    // Every job ahead in the fair order, and a whole job's time for a core to free: under load, jobs take longer than on average.
    const expectedWaitMs = ((this.slots.aheadOf(client) + this.concurrency) * this.averageJobMs) / this.concurrency;
    if (this.maxWaitMs > 0 && expectedWaitMs > this.maxWaitMs) return 'refuse';
    if (this.slots.waiting < this.queueLimit) return 'wait';
    return this.slots.canEvictFor(client) ? 'evict' : 'refuse';
  }

  private learnJobTime(elapsedMs: number): void {
    this.averageJobMs = this.averageJobMs === 0 ? elapsedMs : this.averageJobMs + AVERAGE_WEIGHT * (elapsedMs - this.averageJobMs);
  }
}
