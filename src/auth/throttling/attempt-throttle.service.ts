import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { throttlingConfig, ThrottlingConfig } from '../../config/app.config';
import { throttlingClientKey } from './client-network';
import { CounterState, ThrottleCountersRepository } from './throttle-counters.repository';

type CounterKind = 'login-account' | 'login-client' | 'registration-client';

function counterKey(kind: CounterKind, value: string): Buffer {
  return createHash('sha256').update(`${kind}\0${value}`).digest();
}

/**
 * Limits password guessing and mass registration, per account and per client
 * address, with counters shared by every instance through the database.
 * Logins count failures only (a success resets the account's count);
 * registrations count every attempt.
 */
@Injectable()
export class AttemptThrottle {
  private readonly logger = new Logger(AttemptThrottle.name);

  constructor(
    private readonly counters: ThrottleCountersRepository,
    private readonly clock: Clock,
    @Inject(throttlingConfig.KEY) private readonly config: ThrottlingConfig,
  ) {}

  /** Refuses a login attempt, before any bcrypt work, while the account or the client is over its limit. */
  async assertLoginAllowed(email: string, clientAddress: string): Promise<void> {
    const now = this.clock.now();
    const account = counterKey('login-account', email);
    const client = counterKey('login-client', throttlingClientKey(clientAddress));
    const open = await this.counters.findOpen([account, client], now);
    const blocking = open.filter((counter) => {
      const limit = counter.keyHash.equals(account) ? this.config.loginFailuresPerAccount : this.config.loginFailuresPerClient;
      return counter.hits >= limit;
    });
    if (blocking.length > 0) this.refuse('login', now, blocking);
  }

  async recordLoginFailure(email: string, clientAddress: string): Promise<void> {
    const now = this.clock.now();
    const windowEndsAt = this.windowEnd(now, this.config.loginFailureWindowSeconds);
    await Promise.all([
      this.counters.increment(counterKey('login-account', email), now, windowEndsAt),
      this.counters.increment(counterKey('login-client', throttlingClientKey(clientAddress)), now, windowEndsAt),
    ]);
  }

  async recordLoginSuccess(email: string): Promise<void> {
    await this.counters.delete(counterKey('login-account', email));
  }

  /** Counts a registration attempt and refuses it past the client's limit. */
  async countRegistration(clientAddress: string): Promise<void> {
    const now = this.clock.now();
    const key = counterKey('registration-client', throttlingClientKey(clientAddress));
    const hits = await this.counters.increment(key, now, this.windowEnd(now, this.config.registrationWindowSeconds));
    if (hits > this.config.registrationsPerClient) {
      this.refuse('registration', now, await this.counters.findOpen([key], now));
    }
  }

  private windowEnd(now: Date, seconds: number): Date {
    return new Date(now.getTime() + seconds * 1000);
  }

  private refuse(purpose: string, now: Date, counters: CounterState[]): never {
    const latestEnd = Math.max(now.getTime() + 1000, ...counters.map((counter) => counter.windowEndsAt.getTime()));
    const retryAfterSeconds = Math.ceil((latestEnd - now.getTime()) / 1000);
    this.logger.warn({ event: 'throttled', purpose, retryAfterSeconds });
    throw new DomainError('TOO_MANY_REQUESTS', undefined, undefined, retryAfterSeconds);
  }
}
