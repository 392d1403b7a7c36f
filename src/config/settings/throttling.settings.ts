import { Matches } from 'class-validator';
import { DURATION_PATTERN } from '../duration';
import { IsIntegerSetting } from './setting-rules';

/** Limits of failed logins, registrations, unknown tokens, passkey challenges and provider flows (the throttling namespace). */
export class ThrottlingSettings {
  @IsIntegerSetting(1, 10, { max: 'LOGIN_MAX_FAILURES_PER_ACCOUNT must be between 1 and 10' })
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 10;

  @IsIntegerSetting(1, 1_000_000)
  LOGIN_MAX_FAILURES_PER_CLIENT = 100;

  @Matches(DURATION_PATTERN, { message: 'LOGIN_FAILURE_WINDOW must be a duration such as 900, 15m or 1h' })
  LOGIN_FAILURE_WINDOW = '15m';

  @IsIntegerSetting(1, 1_000_000)
  REGISTRATIONS_PER_CLIENT = 100;

  @Matches(DURATION_PATTERN, { message: 'REGISTRATION_WINDOW must be a duration such as 3600, 60m or 1h' })
  REGISTRATION_WINDOW = '1h';

  // Well-formed access tokens that match nothing, from one client, a minute: past it, 429 with no database query.
  @IsIntegerSetting(1, 1_000_000)
  INVALID_TOKENS_PER_CLIENT = 100;

  // Passkey login options one client may ask for a minute: each stores a challenge for five minutes.
  @IsIntegerSetting(1, 1_000_000)
  PASSKEY_CHALLENGES_PER_CLIENT = 30;

  // Sign-ins through identity providers one client may start a minute: each stores a flow for ten minutes.
  @IsIntegerSetting(1, 1_000_000)
  PROVIDER_FLOWS_PER_CLIENT = 60;
}
