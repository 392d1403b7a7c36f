import { DomainError } from '../../common/errors/domain-error';
import { SlotQueue } from '../../common/concurrency/slot-queue';

/** Past this many logins waiting for one account on one instance, more are refused at once. */
const MAX_WAITING_PER_ACCOUNT = 256;
const RETRY_AFTER_SECONDS = 1;

/**
 * At most `capacity` logins of one account in flight on this instance; the
 * others wait their turn instead of being counted at once. Every attempt is
 * counted as a failure until it succeeds, so without this gate a burst of
 * correct logins (an app reconnecting many clients) would count past the
 * limit and be refused. With it, a success clears the count before the next
 * attempt is counted, while parallel guesses still stop at the limit: the
 * ones let through count before they wait for bcrypt.
 */
export class AccountAttemptGate {
  private readonly queues = new Map<string, SlotQueue>();

  constructor(private readonly capacity: number) {}

  /** Resolves once the attempt may run: false when it was let in at once, true when it waited its turn. */
  async enter(account: Buffer): Promise<boolean> {
    const key = account.toString('base64');
    const queue = this.queues.get(key) ?? new SlotQueue(this.capacity);
    this.queues.set(key, queue);
    if (queue.tryTake()) return false;
    if (queue.waiting >= MAX_WAITING_PER_ACCOUNT) {
      throw DomainError.retryLater('TOO_MANY_REQUESTS', RETRY_AFTER_SECONDS);
    }
    await queue.wait();
    return true;
  }

  leave(account: Buffer): void {
    const key = account.toString('base64');
    const queue = this.queues.get(key);
    if (!queue) return;
    queue.release();
    if (queue.idle) this.queues.delete(key);
  }
}
