import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The last beat of one instance, written on the primary every half second
 * while replicas are configured: the instance reads its own row back on each
 * replica, and how old it is there is how far that replica lags (MySQL and
 * MariaDB, managed or not, without the privileges SHOW REPLICA STATUS needs).
 */
@Entity({ name: 'replica_heartbeats' })
export class ReplicaHeartbeat {
  /** A random id of the instance's process. */
  @PrimaryColumn({ type: 'binary', length: 16 })
  instance!: Buffer;

  @Index('IDX_replica_heartbeats_beat_at')
  @Column({ name: 'beat_at', type: 'datetime', precision: 3 })
  beatAt!: Date;
}
