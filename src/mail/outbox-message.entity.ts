import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * A message to send, written in the same transaction as the change that
 * causes it, so that a committed change always has its mail and a rolled-back
 * one never does. Its body is deleted once it is sent. No foreign key: a
 * notice that an account was deleted outlives the account.
 */
@Entity({ name: 'mail_outbox' })
@Index('IDX_mail_outbox_status_next_attempt', ['status', 'nextAttemptAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ type: 'varchar', length: 254, charset: 'utf8mb4', collation: 'utf8mb4_bin' })
  recipient!: string;

  @Column({ type: 'varchar', length: 200 })
  subject!: string;

  @Column({ name: 'text_body', type: 'mediumtext', nullable: true })
  textBody!: string | null;

  @Column({ name: 'html_body', type: 'mediumtext', nullable: true })
  htmlBody!: string | null;

  @Column({ type: 'varchar', length: 10 })
  status!: OutboxStatus;

  @Column({ type: 'int', unsigned: true, default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 6 })
  nextAttemptAt!: Date;

  /** While `sending`: the instance that claimed it may send until then; after, another may take it over. */
  @Column({ name: 'claimed_until', type: 'datetime', precision: 6, nullable: true })
  claimedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', precision: 6, nullable: true })
  sentAt!: Date | null;
}
