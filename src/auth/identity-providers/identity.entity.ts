import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { EMAIL_MAX_LENGTH } from '../../common/validation/account-email.decorator';
import { User } from '../../users/user.entity';

/**
 * An account's identity at an external provider: the provider's id (of
 * IDENTITY_PROVIDERS) and the subject it names the person by, unique
 * together, so that one identity signs in one account only. No token of the
 * provider is kept: a sign-in needs none afterwards.
 */
@Entity({ name: 'identities' })
@Index('UQ_identities_provider_subject', ['provider', 'subject'], { unique: true })
export class Identity {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_identities_user' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  /** The provider's `sub` (GitHub: the numeric user id), compared byte for byte. */
  @Column({ type: 'varchar', length: 255, charset: 'utf8mb4', collation: 'utf8mb4_bin' })
  subject!: string;

  /** The address the provider gave when the identity was linked or last used: shown to the user, never the account's own. */
  @Column({ type: 'varchar', length: EMAIL_MAX_LENGTH, charset: 'utf8mb4', collation: 'utf8mb4_bin', nullable: true })
  email!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 6, nullable: true })
  lastUsedAt!: Date | null;
}
