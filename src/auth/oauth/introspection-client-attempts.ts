import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { throttlingConfig, ThrottlingConfig } from '../../config/app.config';
import { ClientFailureWindow } from '../throttling/client-failure-window';

/**
 * Failed authentications of resource servers at the introspection endpoint,
 * per client address, with the budget of failed logins
 * (LOGIN_MAX_FAILURES_PER_CLIENT within LOGIN_FAILURE_WINDOW). In process:
 * a secret of 32 characters or more cannot be guessed anyway, and a refusal
 * must cost no database write.
 */
@Injectable()
export class IntrospectionClientAttempts extends ClientFailureWindow {
  constructor(clock: Clock, @Inject(throttlingConfig.KEY) config: ThrottlingConfig) {
    super(config.loginFailuresPerClient, config.loginFailureWindowSeconds * 1000, clock);
  }
}
