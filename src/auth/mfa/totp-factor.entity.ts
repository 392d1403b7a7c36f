import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * A user's TOTP secret: pending from enrolment until a first code confirms
 * it (the user's `mfa_enabled_at` is set then), in force afterwards. The
 * secret is stored only encrypted (AES-256-GCM, MfaSecretCipher), tagged with
 * the id of the key that encrypted it.
 */
@Entity({ name: 'totp_factors' })
export class TotpFactor {
  @PrimaryColumn({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @OneToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_totp_factors_user' })
  user?: User;

  /** Nonce, ciphertext and authentication tag, in that order. */
  @Column({ name: 'secret_ciphertext', type: 'varbinary', length: 64 })
  secretCiphertext!: Buffer;

  /** Which key encrypted it: start-up finds the secrets no configured key can read. */
  @Index('IDX_totp_factors_key_id')
  @Column({ name: 'key_id', type: 'char', length: 16, charset: 'ascii', collation: 'ascii_bin' })
  keyId!: string;

  /** The 30-second step of the last code accepted: no code of that step or an earlier one passes again. */
  @Column({ name: 'last_used_step', type: 'int', unsigned: true, nullable: true })
  lastUsedStep!: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;
}
