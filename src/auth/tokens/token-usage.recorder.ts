import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AccessTokensRepository } from './access-tokens.repository';

const FLUSH_INTERVAL_MS = 1000;

/**
 * Batches `last_used_at` writes off the request path: a guarded request notes
 * the use and answers at once; the write follows within a second.
 */
@Injectable()
export class TokenUsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenUsageRecorder.name);
  private pending = new Map<number, Date>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly repository: AccessTokensRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Before the connection pool closes, so the last uses are written. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  record(tokenId: number, usedAt: Date): void {
    const known = this.pending.get(tokenId);
    if (!known || known < usedAt) this.pending.set(tokenId, usedAt);
  }

  /** The use noted but not yet written, if any. */
  pendingUse(tokenId: number): Date | undefined {
    return this.pending.get(tokenId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.repository.recordLastUses(batch);
    } catch (error) {
      this.logger.warn({ event: 'token.last_use_write_failed', tokens: batch.size, error: (error as Error).message });
    }
  }
}
