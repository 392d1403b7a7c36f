import { Inject, Injectable } from '@nestjs/common';
import { authConfig, AuthConfig } from '../../config/app.config';
import { DeadRowStep, PrunesDeadRows } from '../../database/dead-rows';
import { SecurityEventsRepository } from './security-events.repository';

/** Security events past SECURITY_EVENT_RETENTION. */
@PrunesDeadRows('securityEvents')
@Injectable()
export class SecurityEventsPruningStep implements DeadRowStep {
  constructor(
    private readonly events: SecurityEventsRepository,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  pruneDead(now: Date, limit: number): Promise<number> {
    return this.events.deleteOlderThan(new Date(now.getTime() - this.config.securityEventRetentionSeconds * 1000), limit);
  }
}
