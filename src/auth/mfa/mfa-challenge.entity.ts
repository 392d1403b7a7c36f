import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/** How the login that started a challenge hands out its session: a token in the body, or cookies. */
export type LoginTransport = 'bearer' | 'cookie';

/**
 * A login waiting for its second factor, after the right password: stored so
 * that any instance can finish it, by the SHA-256 digest of its `mfaToken`;
 * single use, short-lived, and dead after a few wrong codes.
 */
@Entity({ name: 'mfa_challenges' })
export class MfaChallenge {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Index('UQ_mfa_challenges_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'binary', length: 32 })
  tokenHash!: Buffer;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_mfa_challenges_user' })
  user?: User;

  @Column({ type: 'varchar', length: 10 })
  transport!: LoginTransport;

  /** The scopes the login asked for, space-separated; null when it asked for none (every scope the user may have). */
  @Column({ name: 'requested_scopes', type: 'varchar', length: 1000, nullable: true })
  requestedScopes!: string | null;

  /** Whether the login asked for a refresh token too (`offline_access`). */
  @Column({ name: 'offline_access', type: 'boolean', default: false })
  offlineAccess!: boolean;

  /** A sign-in through a provider in token mode: the S256 challenge of the app's verifier, which finishing needs. */
  @Column({ name: 'app_code_challenge', type: 'char', length: 43, nullable: true })
  appCodeChallenge!: string | null;

  /** The identity provider the first step went through; null after a password. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  provider!: string | null;

  /** The user's security stamp when the password was checked: a change since ends the challenge. */
  @Column({ name: 'credential_version', type: 'int', unsigned: true })
  credentialVersion!: number;

  @Column({ name: 'failed_attempts', type: 'tinyint', unsigned: true, default: 0 })
  failedAttempts!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Index('IDX_mfa_challenges_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 6 })
  expiresAt!: Date;
}
