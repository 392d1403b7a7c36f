import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * A login's session (bearer or cookie), capped per user and idle-timed; or a
 * personal access token a user made for a script, named, outside both.
 */
export type AccessTokenKind = 'session' | 'personal';

/**
 * One issued access token; for a session, the session itself: a refresh
 * (RefreshToken) gives the same row a new token, so that its id, what the
 * lists show and what every revocation names, stays the session's. Only the SHA-256 digest of the token is stored: a
 * database leak gives no usable token. Times are set by the application's
 * clock, the same one that checks them.
 */
@Entity({ name: 'access_tokens' })
@Index('IDX_access_tokens_user_last_used', ['userId', 'lastUsedAt'])
export class AccessToken {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_access_tokens_user' })
  user?: User;

  @Index('UQ_access_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'binary', length: 32 })
  tokenHash!: Buffer;

  /** When the token was issued: for a session, at its login or its latest refresh. */
  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  /**
   * When the person signed in (a password and its second factor, a passkey,
   * a provider): set at the login, kept through refreshes; null for a
   * personal token. Routes that ask for the password again accept a recent one instead.
   */
  @Column({ name: 'signed_in_at', type: 'datetime', precision: 6, nullable: true })
  signedInAt!: Date | null;

  @Index('IDX_access_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 6 })
  expiresAt!: Date;

  /**
   * What the token may do, space-separated (`account notes:read`), fixed at
   * issue: the routes that require a scope refuse a token without it.
   */
  @Column({ type: 'varchar', length: 1000, default: '' })
  scopes!: string;

  @Column({ type: 'varchar', length: 10, default: 'session' })
  kind!: AccessTokenKind;

  /** A personal token's name, as its owner gave it; null for a session. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  name!: string | null;

  /**
   * Until when the session's live refresh token may renew it (null: no
   * refresh token). The row outlives its access token's expiry until then.
   */
  @Column({ name: 'refreshable_until', type: 'datetime', precision: 6, nullable: true })
  refreshableUntil!: Date | null;

  /** Set at issue, then refreshed at most once a minute: recency for idle expiry and eviction. */
  @Column({ name: 'last_used_at', type: 'datetime', precision: 6 })
  lastUsedAt!: Date;
}
