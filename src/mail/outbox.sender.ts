import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/time/clock';
import { mailConfig, MailConfig } from '../config/app.config';
import { MailTransport } from './mail-transport';
import { OutboxRepository } from './outbox.repository';

/** How often an idle instance looks for messages due. */
const POLL_INTERVAL_MS = 1000;
const BATCH_SIZE = 5;
/**
 * How long a claim holds before another instance may take the message over
 * (the claimer crashed). Well past a batch's worst case: five messages at the
 * transport's 20 s socket timeout each.
 */
const CLAIM_MS = 5 * 60_000;
/** The longest wait between two attempts, however many failed. */
const MAX_RETRY_DELAY_MS = 60 * 60_000;

/**
 * The wait after the `attempts`-th failed send: the base doubled at each
 * attempt, at most an hour, times a jitter of 50 to 100% so that instances
 * and messages that failed together do not all come back together.
 */
export function retryDelayMs(attempts: number, baseMs: number, random = Math.random()): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** (attempts - 1)) * (0.5 + random / 2);
}

/**
 * Sends the outbox in the background, on every instance: claims the messages
 * due, sends them one by one, and records each outcome. A failure is tried
 * again after MAIL_RETRY_BASE_MS, doubled at each attempt with jitter (50 to
 * 100% of the delay) and at most an hour, up to MAIL_MAX_ATTEMPTS; then the
 * message is marked failed and logged as an error. No request waits for it.
 * At shutdown it finishes the message in hand and gives the others back.
 */
@Injectable()
export class OutboxSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxSender.name);
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    @Inject(mailConfig.KEY) private readonly config: MailConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.round = this.sendDue().then(
        (fullBatch) => this.schedule(fullBatch ? 0 : POLL_INTERVAL_MS),
        (error: unknown) => {
          this.logger.warn({ event: 'mail.outbox_unavailable', error: (error as Error).message });
          this.schedule(POLL_INTERVAL_MS);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** One round: claims and sends what is due; true when the batch was full, so that more may be waiting. */
  async sendDue(): Promise<boolean> {
    const now = this.clock.now();
    const claimed = await this.outbox.claimDue(now, new Date(now.getTime() + CLAIM_MS), BATCH_SIZE);
    for (const [index, message] of claimed.entries()) {
      if (this.stopping) {
        await this.outbox.release(claimed.slice(index).map(({ id }) => id));
        return false;
      }
      const attempts = message.attempts + 1;
      try {
        await this.transport.send(message, message.id);
        await this.outbox.markSent(message.id, this.clock.now());
        this.logger.log({ event: 'mail.sent', messageId: message.id, attempts });
      } catch (error) {
        await this.recordFailure(message.id, attempts, error);
      }
    }
    return claimed.length === BATCH_SIZE;
  }

  private async recordFailure(id: string, attempts: number, error: unknown): Promise<void> {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (attempts >= this.config.maxAttempts) {
      await this.outbox.markAttemptFailed(id, attempts, null, reason);
      this.logger.error({ event: 'mail.failed', messageId: id, attempts, error: reason });
      return;
    }
    const delayMs = retryDelayMs(attempts, this.config.retryBaseMs);
    const nextAttemptAt = new Date(this.clock.now().getTime() + delayMs);
    await this.outbox.markAttemptFailed(id, attempts, nextAttemptAt, reason);
    this.logger.warn({ event: 'mail.retry_scheduled', messageId: id, attempts, delayMs: Math.round(delayMs), error: reason });
  }
}
