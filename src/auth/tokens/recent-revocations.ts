import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { databaseConfig, DatabaseConfig } from '../../config/app.config';
import { REPLICA_CHECK_INTERVAL_MS } from '../../database/replicas/read-replicas';

/**
 * Past DATABASE_REPLICA_MAX_LAG, a replica is left out within two checks; the
 * margin covers a check that times out and the time a revocation takes to be
 * read from the log.
 */
const MARGIN_MS = 4 * REPLICA_CHECK_INTERVAL_MS + 3000;

/**
 * The tokens and users whose tokens ended lately (here, or on another
 * instance as the revocation log says), for as long as a live replica may
 * still hold them: a replica's answer about one of them is asked of the
 * primary again. Kept only while replicas are configured.
 */
@Injectable()
export class RecentRevocations {
  private readonly tokens = new Map<number, number>();
  private readonly users = new Map<number, number>();
  private readonly keepMs: number;
  private readonly kept: boolean;

  constructor(
    private readonly clock: Clock,
    @Inject(databaseConfig.KEY) config: DatabaseConfig,
  ) {
    this.kept = config.replicaUrls.length > 0;
    this.keepMs = config.replicaMaxLagMs + MARGIN_MS;
  }

  noteTokens(tokenIds: Iterable<number>): void {
    if (!this.kept) return;
    const now = this.clock.now().getTime();
    for (const tokenId of tokenIds) note(this.tokens, tokenId, now);
    this.forgetOld(now);
  }

  noteUser(userId: number): void {
    if (!this.kept) return;
    const now = this.clock.now().getTime();
    note(this.users, userId, now);
    this.forgetOld(now);
  }

  /** Whether the token, or every token of its user, ended within the window. */
  touches(tokenId: number, userId: number): boolean {
    const since = this.clock.now().getTime() - this.keepMs;
    return (this.tokens.get(tokenId) ?? -Infinity) >= since || (this.users.get(userId) ?? -Infinity) >= since;
  }

  /** Maps keep insertion order, and note() moves a key to the end: the oldest notes come first. */
  private forgetOld(now: number): void {
    for (const map of [this.tokens, this.users]) {
      for (const [id, at] of map) {
        if (now - at < this.keepMs) break;
        map.delete(id);
      }
    }
  }
}

function note(map: Map<number, number>, id: number, at: number): void {
  map.delete(id);
  map.set(id, at);
}
