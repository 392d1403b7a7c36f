import { Injectable } from '@nestjs/common';
import { DeadRowStep, PrunesDeadRows } from '../database/dead-rows';
import { OutboxRepository } from './outbox.repository';

/** Long enough to answer "was it sent?" for a week; the body went at sending, only the envelope stays. */
export const SENT_MAIL_RETENTION_MS = 7 * 24 * 60 * 60_000;

/**
 * The records of messages sent more than SENT_MAIL_RETENTION_MS ago, so that
 * the outbox holds what is still to send and a week of history. Failed
 * messages stay, for an operator to look at.
 */
@PrunesDeadRows('sentMail')
@Injectable()
export class SentMailPruningStep implements DeadRowStep {
  constructor(private readonly outbox: OutboxRepository) {}

  pruneDead(now: Date, limit: number): Promise<number> {
    return this.outbox.deleteSentBefore(new Date(now.getTime() - SENT_MAIL_RETENTION_MS), limit);
  }
}
