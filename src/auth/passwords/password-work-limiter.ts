import { Inject, Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { SlotQueue } from '../../common/concurrency/slot-queue';
import { DomainError } from '../../common/errors/domain-error';
import { authConfig, AuthConfig } from '../../config/app.config';
import { throttlingClientKey } from '../throttling/client-network';

const RETRY_AFTER_SECONDS = 1;
/** Weight of the newest job in the running average of job times. */
const AVERAGE_WEIGHT = 0.2;

const overloaded = () =>
  new DomainError('SERVICE_UNAVAILABLE', 'Too many sign-ins at once: try again shortly', undefined, RETRY_AFTER_SECONDS);

/**
 * Admission control for bcrypt: at most one job per core runs (leaving libuv's
 * other threads to file and DNS work), a bounded queue waits, and work past the
 * queue is refused at once with 503 instead of making every login slower. One
 * client (an IPv4 address or an IPv6 /64) holds at most
 * PASSWORD_HASHING_QUEUE_PER_CLIENT places in the queue, so that a flood from
 * it sheds its own work, not that of the others.
 * PASSWORD_HASHING_MAX_WAIT_MS bounds the wait as well: a job is refused at
 * once when the jobs ahead of it would, at the average job time, keep it
 * waiting longer, and a job that has waited longer anyway is refused when its
 * turn comes. The answers that do come stay within a bounded time.
 */
@Injectable()
export class PasswordWorkLimiter {
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private readonly maxWaitMs: number;
  private readonly queuePerClient: number;
  private readonly slots: SlotQueue;
  private readonly waitingByClient = new Map<string, number>();
  private averageJobMs = 0;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    this.concurrency = config.passwordHashingConcurrency || availableParallelism();
    this.queueLimit = config.passwordHashingQueue;
    this.maxWaitMs = config.passwordHashingMaxWaitMs;
    this.queuePerClient = config.passwordHashingQueuePerClient;
    this.slots = new SlotQueue(this.concurrency);
  }

  /** Refuses at once, before any other work is spent on a request, when this client's job could not even wait. */
  assertCapacity(clientAddress: string): void {
    if (this.slots.full && !this.canWait(throttlingClientKey(clientAddress))) throw overloaded();
  }

  /** Runs one bcrypt job for the client at `clientAddress`, now or after a wait in the queue, or refuses it with 503. */
  async run<T>(work: () => Promise<T>, clientAddress: string): Promise<T> {
    if (!this.slots.tryTake()) {
      const client = throttlingClientKey(clientAddress);
      if (!this.canWait(client)) throw overloaded();
      this.waitingByClient.set(client, (this.waitingByClient.get(client) ?? 0) + 1);
      try {
        await this.slots.wait();
      } finally {
        const left = this.waitingByClient.get(client)! - 1;
        if (left === 0) this.waitingByClient.delete(client);
        else this.waitingByClient.set(client, left);
      }
    }
    const startedAt = performance.now();
    try {
      return await work();
    } finally {
      this.learnJobTime(performance.now() - startedAt);
      this.slots.release((waitedMs) => (this.maxWaitMs > 0 && waitedMs > this.maxWaitMs ? overloaded() : undefined));
    }
  }

  private canWait(client: string): boolean {
    if (this.slots.waiting >= this.queueLimit || (this.waitingByClient.get(client) ?? 0) >= this.queuePerClient) return false;
    // Every job ahead, and a whole job's time for a slot to free: under load, jobs take longer than on average.
    const expectedWaitMs = ((this.slots.waiting + this.concurrency) * this.averageJobMs) / this.concurrency;
    return this.maxWaitMs === 0 || expectedWaitMs <= this.maxWaitMs;
  }

  private learnJobTime(elapsedMs: number): void {
    this.averageJobMs = this.averageJobMs === 0 ? elapsedMs : this.averageJobMs + AVERAGE_WEIGHT * (elapsedMs - this.averageJobMs);
  }
}
