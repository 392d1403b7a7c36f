import { Matches, ValidateBy } from 'class-validator';
import { DURATION_PATTERN } from '../duration';
import { IsIntegerSetting, isIdleTimeout } from './setting-rules';

/** Passwords, access tokens, their cache and the revocation log, security events (the auth namespace). */
export class AuthSettings {
  @IsIntegerSetting(10, 16, { min: 'BCRYPT_COST must be at least 10' })
  BCRYPT_COST = 12;

  @Matches(DURATION_PATTERN, { message: 'ACCESS_TOKEN_TTL must be a duration such as 3600, 90m, 24h or 7d' })
  ACCESS_TOKEN_TTL = '24h';

  // Uses are recorded once a minute at most, so a shorter idle timeout would end tokens in use.
  @ValidateBy(
    { name: 'isIdleTimeout', validator: { validate: isIdleTimeout } },
    {
      message: 'ACCESS_TOKEN_IDLE_TTL must be 0 (off) or a duration of 2 minutes or more, such as 30m',
    },
  )
  ACCESS_TOKEN_IDLE_TTL = '0';

  @IsIntegerSetting(1, 10000)
  MAX_TOKENS_PER_USER = 50;

  @IsIntegerSetting(1, 10000)
  MAX_PERSONAL_TOKENS_PER_USER = 20;

  @Matches(DURATION_PATTERN, { message: 'SECURITY_EVENT_RETENTION must be a duration such as 90d or 2160h' })
  SECURITY_EVENT_RETENTION = '90d';

  // Revocations reach every instance through the revocation log, not through the entries' expiry.
  @IsIntegerSetting(0, 600_000, { max: 'TOKEN_CACHE_TTL_MS must be between 0 (off) and 600000' })
  TOKEN_CACHE_TTL_MS = 60_000;

  // How often each instance reads the revocation log (0: never; the cache then trusts an entry for 5 s only).
  @IsIntegerSetting(0, 10_000)
  REVOCATION_POLL_MS = 250;

  @IsIntegerSetting(1, 10_000_000)
  TOKEN_CACHE_MAX_ENTRIES = 10_000;

  @IsIntegerSetting(0, 64)
  PASSWORD_HASHING_CONCURRENCY = 0;

  @IsIntegerSetting(0, 10000)
  PASSWORD_HASHING_QUEUE = 16;

  @IsIntegerSetting(0, 60_000)
  PASSWORD_HASHING_MAX_WAIT_MS = 1000;

  // One client (an IPv4 address or an IPv6 /64) flooding the queue must leave places for the others.
  @IsIntegerSetting(1, 10_000)
  PASSWORD_HASHING_QUEUE_PER_CLIENT = 4;
}
