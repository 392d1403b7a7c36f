import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock';
import { databaseConfig, DatabaseConfig } from '../../config/app.config';
import { buildDataSourceOptions } from '../data-source-options';
import { ReplicaHeartbeatsRepository } from './replica-heartbeats.repository';

export type ReplicaStatus = 'up' | 'lagging' | 'down';

/** How often each instance beats on the primary and measures each replica: twice within the contract's second. */
export const REPLICA_CHECK_INTERVAL_MS = 500;
/**
 * A read on a replica gives up after this and goes to the primary, the
 * replica left out until it answers again: a frozen server (SIGSTOP, a full
 * disk) never answers, and the primary answers an indexed read in
 * milliseconds.
 */
const REPLICA_QUERY_TIMEOUT_MS = 1000;

interface Replica {
  /** Its position in DATABASE_REPLICA_URLS: the URL itself holds a password, so logs name this. */
  index: number;
  source: DataSource;
  status: ReplicaStatus;
  lagMs: number | null;
  connecting: Promise<void> | null;
}

/** Where a read that may lag ran. */
export interface LaggingRead<Result> {
  result: Result;
  fromReplica: boolean;
}

/**
 * The replicas of DATABASE_REPLICA_URLS, for the reads that may lag, and
 * only those: a repository asks for one with `mayLag` by name, so no query
 * lands on a replica by a default it inherited. Each instance beats on the
 * primary and reads its own beat back on each replica every half second; a
 * replica whose copy is older than DATABASE_REPLICA_MAX_LAG, or that fails
 * or times out, is left out (its reads go to the primary) and measured again
 * until it recovers.
 *
 * TypeORM's own replication (`replication: { master, slaves }`) sends every
 * read of its query builder to a slave by default and picks among them in
 * mysql2's pool cluster, which cannot leave out one that lags: each replica
 * here is a data source of its own instead, on the entities of the primary's.
 */
@Injectable()
export class ReadReplicas implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReadReplicas.name);
  private readonly instance = randomBytes(16);
  private readonly replicas: Replica[];
  private next = 0;
  private timer?: NodeJS.Timeout;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly primary: DataSource,
    private readonly heartbeats: ReplicaHeartbeatsRepository,
    private readonly clock: Clock,
    @Inject(databaseConfig.KEY) private readonly config: DatabaseConfig,
  ) {
    // As many connections as the primary's pool: a replica takes the reads the primary would.
    this.replicas = config.replicaUrls.map((url, index) => ({
      index,
      source: new DataSource({
        ...buildDataSourceOptions({ url, poolSize: config.poolSize, migrateOnStart: false, queryTimeoutMs: REPLICA_QUERY_TIMEOUT_MS }),
        connectTimeout: REPLICA_QUERY_TIMEOUT_MS,
        migrations: [],
        entities: primary.entityMetadatas.map((metadata) => metadata.target),
      }),
      status: 'down',
      lagMs: null,
      connecting: null,
    }));
  }

  onApplicationBootstrap(): void {
    if (this.replicas.length === 0) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), REPLICA_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await Promise.all(this.replicas.filter((replica) => replica.source.isInitialized).map((replica) => replica.source.destroy()));
  }

  /** Each replica's state, in the order of DATABASE_REPLICA_URLS. */
  statuses(): Array<{ status: ReplicaStatus; lagMs: number | null }> {
    return this.replicas.map(({ status, lagMs }) => ({ status, lagMs }));
  }

  /**
   * Runs a read that may lag on a live replica (in turn), or on the primary
   * when none is live; a replica that fails it is left out and the primary
   * answers instead. The caller learns where it ran: a token lookup checks a
   * replica's answer against the revocations it knows of.
   */
  async mayLag<Result>(read: (manager: EntityManager) => Promise<Result>): Promise<LaggingRead<Result>> {
    const replica = this.pick();
    if (replica) {
      try {
        return { result: await withinDeadline(read(replica.source.manager)), fromReplica: true };
      } catch (error) {
        this.leaveOut(replica, 'down', error);
      }
    }
    return { result: await read(this.primary.manager), fromReplica: false };
  }

  /** Beats, then measures every replica: one round at a time. */
  check(): Promise<void> {
    this.checking ??= this.round().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private pick(): Replica | undefined {
    const live = this.replicas.filter((replica) => replica.status === 'up');
    if (live.length === 0) return undefined;
    this.next = (this.next + 1) % live.length;
    return live[this.next];
  }

  private async round(): Promise<void> {
    const beatAt = this.clock.now();
    try {
      await this.heartbeats.beat(this.instance, beatAt);
    } catch {
      // The primary is down: health says so; the replicas are measured against the last beat that landed.
    }
    await Promise.all(this.replicas.map((replica) => this.measure(replica)));
  }

  private async measure(replica: Replica): Promise<void> {
    try {
      if (!replica.source.isInitialized) await withinDeadline(this.connect(replica));
      const lastBeat = await withinDeadline(this.heartbeats.lastBeatOn(replica.source.manager, this.instance));
      // No beat of this instance there yet: it started less than a lag ago, or the replica is that far behind.
      const lagMs = lastBeat === null ? null : Math.max(0, this.clock.now().getTime() - lastBeat.getTime());
      replica.lagMs = lagMs;
      if (lagMs !== null && lagMs <= this.config.replicaMaxLagMs) this.takeBack(replica);
      else this.leaveOut(replica, 'lagging');
    } catch (error) {
      replica.lagMs = null;
      this.leaveOut(replica, 'down', error);
    }
  }

  private connect(replica: Replica): Promise<void> {
    replica.connecting ??= replica.source
      .initialize()
      .then(() => undefined)
      .finally(() => {
        replica.connecting = null;
      });
    return replica.connecting;
  }

  private takeBack(replica: Replica): void {
    if (replica.status === 'up') return;
    this.logger.log({ event: 'replica.up', replica: replica.index, lagMs: replica.lagMs, was: replica.status });
    replica.status = 'up';
  }

  private leaveOut(replica: Replica, status: Exclude<ReplicaStatus, 'up'>, error?: unknown): void {
    if (replica.status === status) return;
    this.logger.warn({
      event: `replica.${status}`,
      replica: replica.index,
      lagMs: replica.lagMs,
      ...(error instanceof Error ? { error: error.message } : {}),
    });
    replica.status = status;
  }
}

/**
 * `work`, or a rejection once REPLICA_QUERY_TIMEOUT_MS has passed. mysql2's
 * own timeout covers a query, not the PREPARE of a statement nor the wait for
 * a connection of a pool whose every connection hangs on a frozen server:
 * this bounds all of it. The abandoned work ends when the server answers or
 * its connection closes.
 */
function withinDeadline<Result>(work: Promise<Result>): Promise<Result> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REPLICA_QUERY_TIMEOUT_MS} ms`)), REPLICA_QUERY_TIMEOUT_MS);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
