import { LRUCache } from 'lru-cache';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { throttlingClientKey } from './client-network';

/** Clients remembered at most: a bound on memory whatever the number of addresses sending junk. */
const MAX_CLIENTS = 10_000;

/**
 * Failures of one kind per client (an IPv4 address or an IPv6 /64), counted
 * in process over a window fixed from the first failure: past `limit`, the
 * client gets 429 with Retry-After until the window ends. For checks whose
 * refusal must cost nothing (no database write), and whose secrets are too
 * long to guess anyway, so that a per-instance count is enough.
 */
export class ClientFailureWindow {
  private readonly failures: LRUCache<string, number>;

  constructor(
    private readonly limit: number,
    windowMs: number,
    clock: Clock,
  ) {
    this.failures = new LRUCache<string, number>({
      max: MAX_CLIENTS,
      ttl: windowMs,
      perf: { now: () => clock.now().getTime() },
      ttlResolution: 0,
      // The window is fixed from the first failure: a further failure does not move it.
      noUpdateTTL: true,
    });
  }

  assertAllowed(clientAddress: string): void {
    // Nobody failed: no address to parse. Introspection asks on every call, and the parse was 2% of its time.
    if (this.failures.size === 0) return;
    const key = throttlingClientKey(clientAddress);
    if ((this.failures.get(key) ?? 0) >= this.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil(this.failures.getRemainingTTL(key) / 1000));
      throw DomainError.retryLater('TOO_MANY_REQUESTS', retryAfterSeconds);
    }
  }

  failed(clientAddress: string): void {
    const key = throttlingClientKey(clientAddress);
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }
}
