import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { Transaction } from '../database/unit-of-work';
import type { MailMessage } from './mail-message';
import { OutboxMessage } from './outbox-message.entity';

export interface ClaimedMessage extends MailMessage {
  id: string;
  attempts: number;
}

interface ClaimableRow {
  id: string | number;
  recipient: string;
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
  attempts: number;
}

/** Reads and writes `mail_outbox`. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectRepository(OutboxMessage) private readonly messages: Repository<OutboxMessage>) {}

  /** Queues a message, in the caller's transaction when it gives one. */
  async enqueue(message: MailMessage, now: Date, transaction?: Transaction): Promise<void> {
    const repository = transaction ? transaction.getRepository(OutboxMessage) : this.messages;
    await repository.insert({
      recipient: message.to,
      subject: message.subject,
      textBody: message.text,
      htmlBody: message.html,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      claimedUntil: null,
      lastError: null,
      createdAt: now,
      sentAt: null,
    });
  }

  /**
   * Claims up to `limit` messages due at `now` (or whose claim by another
   * instance has lapsed) until `claimedUntil`. `FOR UPDATE SKIP LOCKED`
   * (MySQL 8, MariaDB 10.6) lets instances claim side by side: each skips the
   * rows another is claiming, so no message is claimed twice.
   */
  claimDue(now: Date, claimedUntil: Date, limit: number): Promise<ClaimedMessage[]> {
    // READ COMMITTED: the locking read locks the rows it claims and no gaps, so a claim never holds up the INSERT
    // of a new message in a registration's transaction, as REPEATABLE READ's next-key locks would.
    return this.messages.manager.transaction('READ COMMITTED', async (transaction) => {
      // Oldest first, so that a user's messages arrive in the order their causes happened.
      const rows: ClaimableRow[] = await transaction.query(
        `SELECT id, recipient, subject, text_body AS textBody, html_body AS htmlBody, attempts FROM mail_outbox
         WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until <= ?)
         ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [now, now, limit],
      );
      if (rows.length === 0) return [];
      const ids = rows.map((row) => String(row.id));
      await transaction.getRepository(OutboxMessage).update({ id: In(ids) }, { status: 'sending', claimedUntil });
      return rows.map((row) => ({
        id: String(row.id),
        attempts: row.attempts,
        to: row.recipient,
        subject: row.subject,
        text: row.textBody ?? '',
        html: row.htmlBody ?? '',
      }));
    });
  }

  /** Sent: the body goes, the row stays as a record until it is pruned. */
  async markSent(id: string, now: Date): Promise<void> {
    await this.messages.update(
      { id, status: 'sending' },
      { status: 'sent', sentAt: now, textBody: null, htmlBody: null, claimedUntil: null, lastError: null },
    );
  }

  /** Not sent: tried again at `nextAttemptAt`, or given up on (`failed`) when that is null. */
  async markAttemptFailed(id: string, attempts: number, nextAttemptAt: Date | null, error: string): Promise<void> {
    await this.messages.update(
      { id, status: 'sending' },
      nextAttemptAt
        ? { status: 'pending', attempts, nextAttemptAt, claimedUntil: null, lastError: error }
        : { status: 'failed', attempts, claimedUntil: null, lastError: error },
    );
  }

  /** Gives claimed messages back untried (at shutdown), for this or another instance to send. */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.messages.update({ id: In(ids), status: 'sending' }, { status: 'pending', claimedUntil: null });
  }

  /**
   * Deletes up to `limit` records of messages sent before `before`; returns
   * how many. A sent message's last attempt was its sending, so the
   * (status, next_attempt_at) index finds them.
   */
  async deleteSentBefore(before: Date, limit: number): Promise<number> {
    const result: { affectedRows: number } = await this.messages.query(
      "DELETE FROM mail_outbox WHERE status = 'sent' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
      [before, limit],
    );
    return result.affectedRows;
  }
}
