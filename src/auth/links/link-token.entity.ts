import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/user.entity';

export type LinkPurpose = 'verify-email' | 'reset-password' | 'change-email';

/**
 * A link mailed to a user: single use, for one purpose and the address it
 * was sent to, until it expires. Only the SHA-256 digest of its token is
 * stored, as for access tokens.
 */
@Entity({ name: 'link_tokens' })
@Index('IDX_link_tokens_user_purpose', ['userId', 'purpose'])
export class LinkToken {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_link_tokens_user' })
  user?: User;

  @Column({ type: 'varchar', length: 20 })
  purpose!: LinkPurpose;

  @Index('UQ_link_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'binary', length: 32 })
  tokenHash!: Buffer;

  /** The address the link was mailed to: it proves control of that address, no other. */
  @Column({ type: 'varchar', length: 254, charset: 'utf8mb4', collation: 'utf8mb4_bin' })
  email!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Index('IDX_link_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 6 })
  expiresAt!: Date;
}
