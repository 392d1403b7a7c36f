import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EMAIL_MAX_LENGTH } from '../common/validation/account-email.decorator';

export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * An account. Times are set by the application's clock, like those of tokens,
 * so that no server time zone setting can shift them.
 */
// The active admins are counted, and locked, on every change that could leave none.
@Entity({ name: 'users' })
@Index('IDX_users_role_active', ['role', 'isActive'])
export class User {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  /** Stored canonical (NFKC, lower case) and compared byte for byte: `josé` and `jose` are two accounts. */
  @Index('UQ_users_email', { unique: true })
  @Column({ type: 'varchar', length: EMAIL_MAX_LENGTH, charset: 'utf8mb4', collation: 'utf8mb4_bin' })
  email!: string;

  /**
   * Only `UsersRepository.findByEmailWithHash` and `findByIdWithHash` select
   * it. Null for an account an identity provider created, until a password is set.
   */
  @Column({ name: 'hashed_password', type: 'varchar', length: 255, nullable: true, select: false })
  hashedPassword!: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  /** What the user may do beyond their own account; `admin` may administer every account. */
  @Column({ type: 'varchar', length: 10, default: 'user' })
  role!: UserRole;

  /** When a link mailed to `email` was last used; null while the address is unproven. */
  @Column({ name: 'email_verified_at', type: 'datetime', precision: 6, nullable: true })
  emailVerifiedAt!: Date | null;

  /** An address the user asked to change to, until the link mailed there is used. */
  @Column({
    name: 'pending_email',
    type: 'varchar',
    length: EMAIL_MAX_LENGTH,
    charset: 'utf8mb4',
    collation: 'utf8mb4_bin',
    nullable: true,
  })
  pendingEmail!: string | null;

  /** When a second factor was confirmed; null while the password alone logs in. */
  @Column({ name: 'mfa_enabled_at', type: 'datetime', precision: 6, nullable: true })
  mfaEnabledAt!: Date | null;

  /**
   * The security stamp: moved on by every change of how the user signs in or
   * what they may do (password change or reset, MFA on or off, a passkey
   * removed, deactivation, demotion). A login reads it with the secret it
   * checks and again once its token is stored: a change that moved it
   * meanwhile takes the token back.
   */
  @Column({ name: 'credential_version', type: 'int', unsigned: true, default: 0 })
  credentialVersion!: number;

  /** When a login last succeeded (its last step, with MFA). */
  @Column({ name: 'last_login_at', type: 'datetime', precision: 6, nullable: true })
  lastLoginAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 6 })
  updatedAt!: Date;
}
