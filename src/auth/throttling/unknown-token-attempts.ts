import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { throttlingConfig, ThrottlingConfig } from '../../config/app.config';
import { ClientFailureWindow } from './client-failure-window';

const WINDOW_MS = 60_000;

/**
 * Well-formed access tokens that match nothing, per client: anyone can make
 * one (the checksum is no secret), and each costs a database query. Past
 * INVALID_TOKENS_PER_CLIENT a minute, the client's tokens that the cache does
 * not know get 429 without a query, so that a flood of them cannot take the
 * database away from real users.
 */
@Injectable()
export class UnknownTokenAttempts extends ClientFailureWindow {
  constructor(clock: Clock, @Inject(throttlingConfig.KEY) config: ThrottlingConfig) {
    super(config.invalidTokensPerClient, WINDOW_MS, clock);
  }
}
