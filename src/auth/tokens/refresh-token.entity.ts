import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AccessToken } from './access-token.entity';

/**
 * One refresh token of a session (RFC 6749 §6), stored as its SHA-256 digest
 * only. The session is the `access_tokens` row of its login: every refresh
 * token of one session is one family, deleted with the session, so whatever
 * ends a session's access token ends its refresh tokens in the same
 * statement. A used token is kept (with `used_at`) until it expires, so
 * that presenting it again is recognised as reuse.
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'session_id', type: 'int', unsigned: true })
  sessionId!: number;

  @ManyToOne(() => AccessToken, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_refresh_tokens_session' })
  session?: AccessToken;

  @Index('UQ_refresh_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'binary', length: 32 })
  tokenHash!: Buffer;

  /** The scopes a refresh may ask for at most, space-separated: a refresh narrows them, never widens. */
  @Column({ type: 'varchar', length: 1000, default: '' })
  scopes!: string;

  /** When the login that started the session checked its secret: SESSION_MAX_AGE counts from it. */
  @Column({ name: 'session_started_at', type: 'datetime', precision: 6 })
  sessionStartedAt!: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Index('IDX_refresh_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 6 })
  expiresAt!: Date;

  /** When it was exchanged for a new pair; null while it is the session's live one. */
  @Column({ name: 'used_at', type: 'datetime', precision: 6, nullable: true })
  usedAt!: Date | null;
}
