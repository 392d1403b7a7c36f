import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { RequestClient } from '../../common/http/request-client.decorator';
import { Clock } from '../../common/time/clock';
import { SecurityEventType } from './security-event.entity';
import { NewSecurityEvent, SecurityEventsRepository } from './security-events.repository';

const BATCH = 500;

/** Events that suggest an attack or a cloned credential: their log lines are warnings. */
const WARNINGS: ReadonlySet<SecurityEventType> = new Set(['passkey.counter_mismatch']);

export interface EventOrigin {
  /** The request's client; none for a change made from the command line. */
  client?: RequestClient;
  /** The admin who acted on the account, when it was not its user. */
  actorId?: number | null;
}

/**
 * Records security events off the request's path, each with its log line:
 * `record` logs the event (with `logged`, what the line says beyond the
 * stored row: never a secret), queues it and returns; what one turn of the event loop recorded is written in one
 * INSERT right after it. A failed write is logged at error, never fails the
 * request that caused the event. Shutdown writes what is still queued.
 */
@Injectable()
export class SecurityEventLog implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SecurityEventLog.name);
  private queue: NewSecurityEvent[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: SecurityEventsRepository,
    private readonly clock: Clock,
  ) {}

  record(type: SecurityEventType, userId: number, origin: EventOrigin = {}, logged: Record<string, unknown> = {}): void {
    const line = { event: type, userId, ...(origin.actorId == null ? {} : { actorId: origin.actorId }), ...logged };
    if (WARNINGS.has(type)) this.logger.warn(line);
    else this.logger.log(line);
    this.queue.push({
      type,
      userId,
      ip: origin.client?.ip || null,
      userAgent: origin.client?.userAgent ?? null,
      actorId: origin.actorId ?? null,
      createdAt: this.clock.now(),
    });
    if (this.queue.length === 1) setImmediate(() => void this.flush());
  }

  /** Writes every queued event; resolves once they are written (or their failure logged). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writeQueued());
    return this.writing;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      try {
        await this.repository.insertMany(batch);
      } catch (error) {
        this.logger.error({ event: 'security_event.write_failed', events: batch.length, error: (error as Error).message });
      }
    }
  }
}
