import { Inject, Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { DomainError } from '../../common/errors/domain-error';
import { authConfig, AuthConfig } from '../../config/app.config';

const RETRY_AFTER_SECONDS = 1;

/**
 * Admission control for bcrypt: at most one job per core runs (leaving libuv's
 * other threads to file and DNS work), a bounded queue waits, and work past the
 * queue is refused at once with 503 instead of making every login slower.
 */
@Injectable()
export class PasswordWorkLimiter {
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    this.concurrency = config.passwordHashingConcurrency || availableParallelism();
    this.queueLimit = config.passwordHashingQueue;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      this.running++;
    } else if (this.waiting.length < this.queueLimit) {
      // The finishing job hands its slot over, so `running` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      throw new DomainError('SERVICE_UNAVAILABLE', 'Too many sign-ins at once: try again shortly', undefined, RETRY_AFTER_SECONDS);
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
