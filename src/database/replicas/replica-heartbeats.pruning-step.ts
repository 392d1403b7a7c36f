import { Injectable } from '@nestjs/common';
import { DeadRowStep, PrunesDeadRows } from '../dead-rows';
import { ReplicaHeartbeatsRepository } from './replica-heartbeats.repository';

/** An instance beats every half second while it runs: a beat an hour old is of one that stopped. */
const STOPPED_AFTER_MS = 3_600_000;

@PrunesDeadRows('replicaHeartbeats')
@Injectable()
export class ReplicaHeartbeatsPruningStep implements DeadRowStep {
  constructor(private readonly beats: ReplicaHeartbeatsRepository) {}

  pruneDead(now: Date, limit: number): Promise<number> {
    return this.beats.deleteOlderThan(new Date(now.getTime() - STOPPED_AFTER_MS), limit);
  }
}
