import { Inject, Injectable } from '@nestjs/common';
import { authConfig, AuthConfig } from '../../config/app.config';
import { DeadRowStep, PrunesDeadRows } from '../../database/dead-rows';
import { idleCutoff, LAST_USE_RESOLUTION_MS } from './access-token.lifetime';
import { AccessTokensRepository } from './access-tokens.repository';

/**
 * `last_used_at` lags the last use by up to LAST_USE_RESOLUTION_MS plus a
 * flush: a token is pruned for idleness only once that lag cannot be what
 * makes it look idle.
 */
const IDLE_MARGIN_MS = 2 * LAST_USE_RESOLUTION_MS;

/** Access tokens expired, or idle past ACCESS_TOKEN_IDLE_TTL: nothing accepts them any more. */
@PrunesDeadRows('accessTokens')
@Injectable()
export class AccessTokensPruningStep implements DeadRowStep {
  constructor(
    private readonly repository: AccessTokensRepository,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  pruneDead(now: Date, limit: number): Promise<number> {
    const idleCutoffWithMargin = idleCutoff(new Date(now.getTime() - IDLE_MARGIN_MS), this.config.accessTokenIdleTtlSeconds);
    return this.repository.deleteDead(now, idleCutoffWithMargin, limit);
  }
}
