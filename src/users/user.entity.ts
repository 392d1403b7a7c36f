import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const EMAIL_MAX_LENGTH = 254;

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Index('UQ_users_email', { unique: true })
  @Column({ type: 'varchar', length: EMAIL_MAX_LENGTH })
  email!: string;

  /** Only `UsersRepository.findByEmailWithHash` and `findByIdWithHash` select it. */
  @Column({ name: 'hashed_password', type: 'varchar', length: 255, select: false })
  hashedPassword!: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 6 })
  updatedAt!: Date;
}
