import { Inject, Injectable } from '@nestjs/common';
import { authConfig, AuthConfig } from '../../config/app.config';
import { DeadRowStep, PrunesDeadRows } from '../../database/dead-rows';
import { TokenRevocationsRepository } from './token-revocations.repository';

/**
 * A line of the revocation log matters while a cache may hold an entry from
 * before it (TOKEN_CACHE_TTL_MS); the margin covers clocks of instances
 * that disagree.
 */
const REVOCATION_LOG_MARGIN_MS = 60_000;

/** Lines of the revocation log that no token cache can need any more. */
@PrunesDeadRows('revocations')
@Injectable()
export class TokenRevocationsPruningStep implements DeadRowStep {
  constructor(
    private readonly revocations: TokenRevocationsRepository,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  pruneDead(now: Date, limit: number): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.tokenCacheTtlMs - REVOCATION_LOG_MARGIN_MS);
    return this.revocations.deleteOlderThan(cutoff, limit);
  }
}
