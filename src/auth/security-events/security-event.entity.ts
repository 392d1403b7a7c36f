import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const SECURITY_EVENT_TYPES = [
  'login.succeeded',
  'login.failed',
  'mfa.failed',
  'logout',
  'token.created',
  'token.revoked',
  'password.changed',
  'password.reset_requested',
  'password.reset',
  'email.verified',
  'email.change_requested',
  'email.changed',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.recovery_code_used',
  'passkey.added',
  'passkey.removed',
  'passkey.counter_mismatch',
  'user.role_changed',
  'user.deactivated',
  'user.activated',
  'admin.tokens_revoked',
  'refresh_token.reused',
  'identity.linked',
  'identity.unlinked',
] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/**
 * Something that happened to an account, for its owner and the admins to
 * read. No foreign key: the record of what happened to an account outlives
 * it, until SECURITY_EVENT_RETENTION. It never holds a secret.
 */
@Entity({ name: 'security_events' })
@Index('IDX_security_events_user', ['userId', 'id'])
@Index('IDX_security_events_type', ['type', 'id'])
export class SecurityEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  /** The account the event is about. */
  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ type: 'varchar', length: 40 })
  type!: SecurityEventType;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 255, nullable: true })
  userAgent!: string | null;

  /** The admin who acted, when it was not the user. */
  @Column({ name: 'actor_id', type: 'int', unsigned: true, nullable: true })
  actorId!: number | null;

  @Index('IDX_security_events_created_at')
  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;
}
