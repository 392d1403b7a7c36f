import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A line of the revocation log: a token that ended (`tokenId`), or every
 * token and the details of a user (`tokenId` null: tokens revoked in bulk, a
 * demotion, an email or MFA change, a deletion). Written in the transaction
 * of the change; every instance reads the log and drops what it names from
 * its token cache, so that no cache outlives a change by more than a poll.
 * No foreign key: a line outlives a deleted user until it is pruned.
 */
@Entity({ name: 'token_revocations' })
export class TokenRevocation {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ name: 'token_id', type: 'int', unsigned: true, nullable: true })
  tokenId!: number | null;

  @Index('IDX_token_revocations_created_at')
  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;
}
