import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { throttlingConfig, ThrottlingConfig } from '../../config/app.config';
import { throttlingClientKey } from './client-network';

/** Clients remembered at most: a bound on memory whatever the number of addresses sending junk. */
const MAX_CLIENTS = 10_000;

/**
 * Throttles the checks of secrets a client holds with no account named
 * (mailed links, MFA challenges' `mfaToken`): a client that presented
 * LOGIN_MAX_FAILURES_PER_CLIENT unknown ones within LOGIN_FAILURE_WINDOW gets
 * 429 until the window passes. Counted in process, per instance: each carries
 * 256 random bits, so guessing is hopeless anyway, and a refused one must
 * write nothing to the database (docs/bad-inputs.md row 32).
 */
@Injectable()
export class BearerSecretAttempts {
  private readonly failures: LRUCache<string, number>;
  private readonly limit: number;

  constructor(clock: Clock, @Inject(throttlingConfig.KEY) config: ThrottlingConfig) {
    this.limit = config.loginFailuresPerClient;
    this.failures = new LRUCache<string, number>({
      max: MAX_CLIENTS,
      ttl: config.loginFailureWindowSeconds * 1000,
      perf: { now: () => clock.now().getTime() },
      ttlResolution: 0,
      // The window is fixed from the first failure: a further failure does not move it.
      noUpdateTTL: true,
    });
  }

  assertAllowed(clientAddress: string): void {
    const key = throttlingClientKey(clientAddress);
    if ((this.failures.get(key) ?? 0) >= this.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil(this.failures.getRemainingTTL(key) / 1000));
      throw new DomainError('TOO_MANY_REQUESTS', undefined, undefined, retryAfterSeconds);
    }
  }

  failed(clientAddress: string): void {
    const key = throttlingClientKey(clientAddress);
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }
}
