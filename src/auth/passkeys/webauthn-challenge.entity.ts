import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/** What a challenge was issued for: adding a passkey to a signed-in user, or logging in with one. */
export type WebAuthnCeremony = 'registration' | 'authentication';

/**
 * A challenge handed to a browser for one WebAuthn ceremony: stored so that
 * any instance can finish it, by the SHA-256 digest of its text, deleted by
 * the request that uses it, and dead after five minutes.
 */
@Entity({ name: 'webauthn_challenges' })
export class WebAuthnChallenge {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Index('UQ_webauthn_challenges_challenge_hash', { unique: true })
  @Column({ name: 'challenge_hash', type: 'binary', length: 32 })
  challengeHash!: Buffer;

  @Column({ type: 'varchar', length: 16 })
  ceremony!: WebAuthnCeremony;

  /** The user a registration is for; null for a login, where the passkey names its user. */
  @Column({ name: 'user_id', type: 'int', unsigned: true, nullable: true })
  userId!: number | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_webauthn_challenges_user' })
  user?: User;

  /** The user handle a registration's options named: the response does not repeat it. */
  @Column({ name: 'user_handle', type: 'varbinary', length: 64, nullable: true })
  userHandle!: Buffer | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Index('IDX_webauthn_challenges_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 6 })
  expiresAt!: Date;
}
