import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { throttlingConfig, ThrottlingConfig } from '../../config/app.config';
import { ClientFailureWindow } from './client-failure-window';

/**
 * Throttles the checks of secrets a client holds with no account named
 * (mailed links, MFA challenges' `mfaToken`, passkey assertions): a client
 * that presented LOGIN_MAX_FAILURES_PER_CLIENT unknown ones within
 * LOGIN_FAILURE_WINDOW gets 429 until the window passes. Each carries 256
 * random bits (or a signature), so guessing is hopeless anyway, and a refused
 * one must write nothing to the database (docs/bad-inputs.md row 32).
 */
@Injectable()
export class BearerSecretAttempts extends ClientFailureWindow {
  constructor(clock: Clock, @Inject(throttlingConfig.KEY) config: ThrottlingConfig) {
    super(config.loginFailuresPerClient, config.loginFailureWindowSeconds * 1000, clock);
  }
}
