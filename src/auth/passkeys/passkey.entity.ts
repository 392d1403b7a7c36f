import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * A WebAuthn credential of a user: its public key, never a secret. The
 * credential id is what the authenticator names it by (unique across every
 * user); the user handle is the random id the authenticator stores the
 * credential under, the same for all of one user's passkeys.
 */
@Entity({ name: 'passkeys' })
export class Passkey {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_passkeys_user' })
  user?: User;

  /** Up to 1,023 bytes (WebAuthn's bound), kept as raw bytes so that two spellings of one id cannot both be stored. */
  @Index('UQ_passkeys_credential_id', { unique: true })
  @Column({ name: 'credential_id', type: 'varbinary', length: 1023 })
  credentialId!: Buffer;

  /** The COSE public key as the authenticator gave it. */
  @Column({ name: 'public_key', type: 'varbinary', length: 2048 })
  publicKey!: Buffer;

  @Column({ name: 'user_handle', type: 'varbinary', length: 64 })
  userHandle!: Buffer;

  /** The authenticator's signature counter as last seen; 0 for those that keep none (most synced passkeys). */
  @Column({ name: 'sign_count', type: 'int', unsigned: true })
  signCount!: number;

  /** How the browser may reach the authenticator (`internal`, `usb`, `hybrid`...), comma-separated: hints for the next ceremony. */
  @Column({ type: 'varchar', length: 255, charset: 'ascii', collation: 'ascii_bin', default: '' })
  transports!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 6, nullable: true })
  lastUsedAt!: Date | null;
}
