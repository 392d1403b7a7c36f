import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../common/time/clock';
import { deleteInBatches } from '../database/delete-in-batches';
import { OutboxRepository } from './outbox.repository';

/** Long enough to answer "was it sent?" for a week; the body went at sending, only the envelope stays. */
export const SENT_MAIL_RETENTION_MS = 7 * 24 * 60 * 60_000;
const BATCH_SIZE = 1000;

/**
 * Deletes the records of messages sent more than SENT_MAIL_RETENTION_MS ago,
 * so that the outbox holds what is still to send and a week of history. Runs
 * every hour on every instance: the delete is idempotent. Failed messages
 * stay, for an operator to look at.
 */
@Injectable()
export class SentMailPruner {
  private readonly logger = new Logger(SentMailPruner.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'prune-sent-mail', waitForCompletion: true })
  async pruneOnSchedule(): Promise<void> {
    try {
      await this.prune();
    } catch (error) {
      this.logger.warn({ event: 'mail.prune_failed', error: (error as Error).message });
    }
  }

  /** Deletes the records due for deletion, one bounded batch at a time; returns how many. */
  async prune(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - SENT_MAIL_RETENTION_MS);
    const deleted = await deleteInBatches(BATCH_SIZE, (limit) => this.outbox.deleteSentBefore(before, limit));
    if (deleted > 0) this.logger.log({ event: 'mail.pruned', deleted });
    return deleted;
  }
}
