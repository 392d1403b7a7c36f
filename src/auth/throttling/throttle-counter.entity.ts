import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A fixed-window counter of attempts for one key (an email or a client
 * address, for one purpose). It lives in the database so that every instance
 * of the service counts against one limit. The key is stored as a digest:
 * mistyped emails (sometimes passwords) are not kept in clear.
 */
@Entity({ name: 'throttle_counters' })
export class ThrottleCounter {
  @PrimaryColumn({ name: 'key_hash', type: 'binary', length: 32 })
  keyHash!: Buffer;

  @Column({ type: 'int', unsigned: true })
  hits!: number;

  @Index('IDX_throttle_counters_window_ends_at')
  @Column({ name: 'window_ends_at', type: 'datetime', precision: 6 })
  windowEndsAt!: Date;
}
