import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min, MinLength, ValidateBy, ValidateIf, validateSync } from 'class-validator';
import { DURATION_PATTERN, parseDurationSeconds } from './duration';

const MIN_IDLE_SECONDS = 120;

function isIdleTimeout(value: unknown): boolean {
  if (typeof value !== 'string' || !DURATION_PATTERN.test(value)) return false;
  const seconds = parseDurationSeconds(value);
  return seconds === 0 || seconds >= MIN_IDLE_SECONDS;
}

/** An origin as browsers send it: scheme, host and optional port, nothing else. */
const ORIGIN_PATTERN = /^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:\d{1,5})?$/;

function isOriginList(value: unknown): boolean {
  return typeof value === 'string' && listItems(value).every((origin) => ORIGIN_PATTERN.test(origin));
}

/** A host name as an RP ID: lower case labels, no scheme, port or path (WebAuthn refuses IP addresses). */
const RP_ID_PATTERN = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** The origins passkeys are used from: WEBAUTHN_ORIGINS, or APP_URL's origin when it is empty. */
export function webAuthnOrigins(environment: Pick<Environment, 'WEBAUTHN_ORIGINS' | 'APP_URL'>): string[] {
  const listed = listItems(environment.WEBAUTHN_ORIGINS);
  return listed.length > 0 ? listed : [new URL(environment.APP_URL).origin];
}

/**
 * Browsers create and use a passkey only on an origin whose host is the RP ID
 * or ends with `.` and it, and only over https (or http on localhost): any
 * other origin would make passkeys that cannot be used, found at start-up
 * rather than by the first user.
 */
function webAuthnOriginsProblem(environment: Environment): string | null {
  if (!RP_ID_PATTERN.test(environment.WEBAUTHN_RP_ID) || !isOriginList(environment.WEBAUTHN_ORIGINS)) return null;
  const fromAppUrl = listItems(environment.WEBAUTHN_ORIGINS).length === 0 ? ' (the origin of APP_URL)' : '';
  for (const origin of webAuthnOrigins(environment)) {
    const { protocol, hostname } = new URL(origin);
    const rpId = environment.WEBAUTHN_RP_ID;
    if (hostname !== rpId && !hostname.endsWith(`.${rpId}`)) {
      return `the origin ${origin}${fromAppUrl} is not on WEBAUTHN_RP_ID ${rpId}: set WEBAUTHN_RP_ID to ${hostname} or a domain it ends with`;
    }
    if (protocol === 'http:' && hostname !== 'localhost' && !hostname.endsWith('.localhost')) {
      return `the origin ${origin}${fromAppUrl} must be https (browsers allow http for localhost only)`;
    }
  }
  return null;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Express's `trust proxy`: off, a hop count, or addresses/subnets of the proxies. */
function isTrustProxy(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (/^(false|\d{1,2})$/.test(value.trim())) return true;
  return listItems(value).every((item) => {
    if (PROXY_NAMES.has(item)) return true;
    const [address, prefix, extra] = item.split('/');
    const version = isIP(address);
    if (extra !== undefined || version === 0) return false;
    // A /0 would trust every client to name its own address.
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (version === 4 ? 32 : 128));
  });
}

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/** 32 bytes in standard base64, as `openssl rand -base64 32` prints them. */
export function isEncryptionKey(value: unknown): boolean {
  return typeof value === 'string' && BASE64_32_BYTES.test(value.trim());
}

export function listItems(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  return value;
};

const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

/** An integer variable, written in decimal, within [min, max]. */
function IsIntegerSetting(min: number, max: number, messages: { min?: string; max?: string } = {}): PropertyDecorator {
  // Listed in the order TypeScript applies a stack written Transform, IsInt, Min, Max: the errors keep their order.
  return applyDecorators(
    Max(max, messages.max === undefined ? undefined : { message: messages.max }),
    Min(min, messages.min === undefined ? undefined : { message: messages.min }),
    IsInt(),
    Transform(toInteger),
  );
}

/**
 * Every environment variable the service reads, with its default.
 * `.env.example` lists the same variables; a test keeps the two in step.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIntegerSetting(0, 65535)
  PORT = 3000;

  @Matches(/^mysql:\/\/[^\s]+$/, { message: 'DATABASE_URL must be a mysql://user:password@host:port/database URL' })
  DATABASE_URL!: string;

  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_MIGRATE_ON_START = true;

  @IsIntegerSetting(1, 1000)
  DATABASE_POOL_SIZE = 10;

  // Bounds each query, so that a stalled database gives 503s instead of requests that hang.
  @IsIntegerSetting(0, 600_000)
  DATABASE_QUERY_TIMEOUT_MS = 5000;

  @IsIntegerSetting(0, 600_000)
  REQUEST_TIMEOUT_MS = 10_000;

  // A client gets this long to send its request's headers, and a new connection to begin sending them.
  @IsIntegerSetting(1000, 600_000)
  HEADERS_TIMEOUT_MS = 5000;

  @IsIntegerSetting(1000, 600_000)
  KEEP_ALIVE_TIMEOUT_MS = 5000;

  @IsIntegerSetting(1, 1_000_000)
  MAX_CONNECTIONS = 1000;

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

  @ValidateBy(
    { name: 'isOriginList', validator: { validate: isOriginList } },
    {
      message: 'CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com (no path, no *, no null)',
    },
  )
  CORS_ORIGINS = '';

  @ValidateBy(
    { name: 'isTrustProxy', validator: { validate: isTrustProxy } },
    {
      message: 'TRUST_PROXY must be false, a hop count, or a comma-separated list of proxy addresses/subnets (or loopback)',
    },
  )
  TRUST_PROXY = 'false';

  @Transform(toBoolean)
  @IsBoolean()
  SESSION_COOKIE_SECURE = true;

  // Without it a random key per process signs CSRF tokens: fine for one process, wrong for several.
  @ValidateIf((environment: Environment) => environment.NODE_ENV === 'production' || environment.CSRF_SECRET !== '')
  @MinLength(32, { message: 'CSRF_SECRET must be at least 32 characters (required when NODE_ENV=production)' })
  CSRF_SECRET = '';

  // Without it a random key per process encrypts TOTP secrets: a restart leaves them unreadable (recovery codes still work).
  @ValidateIf((environment: Environment) => environment.NODE_ENV === 'production' || environment.MFA_ENCRYPTION_KEY !== '')
  @ValidateBy(
    { name: 'isEncryptionKey', validator: { validate: isEncryptionKey } },
    { message: 'MFA_ENCRYPTION_KEY must be 32 random bytes in base64, from `openssl rand -base64 32` (required when NODE_ENV=production)' },
  )
  MFA_ENCRYPTION_KEY = '';

  // Keys that encrypted secrets before the current one: still read, and replaced by the current key at each secret's next use.
  @ValidateBy(
    {
      name: 'isEncryptionKeyList',
      validator: { validate: (value: unknown) => typeof value === 'string' && listItems(value).every(isEncryptionKey) },
    },
    { message: 'MFA_ENCRYPTION_KEYS_PREVIOUS must be a comma-separated list of keys like MFA_ENCRYPTION_KEY (32 bytes in base64)' },
  )
  MFA_ENCRYPTION_KEYS_PREVIOUS = '';

  // The name authenticator apps show beside the account; a colon would end it early in the otpauth:// label.
  @Matches(/^[^:\p{Cc}]{1,64}$/u, { message: 'MFA_ISSUER must be 1 to 64 characters, with no colon or control character' })
  MFA_ISSUER = 'Nest Auth';

  // The domain passkeys are bound to: changing it later makes every registered passkey unusable.
  @Matches(RP_ID_PATTERN, { message: 'WEBAUTHN_RP_ID must be a domain name such as example.com (no scheme, port or path)' })
  WEBAUTHN_RP_ID = 'localhost';

  // The name the browser and the authenticator show beside the passkey.
  @Matches(/^[^\p{Cc}]{1,64}$/u, { message: 'WEBAUTHN_RP_NAME must be 1 to 64 characters, with no control character' })
  WEBAUTHN_RP_NAME = 'Nest Auth';

  @ValidateBy({
    name: 'isWebAuthnOriginList',
    validator: {
      validate: (value: unknown, args) => isOriginList(value) && webAuthnOriginsProblem(args?.object as Environment) === null,
      defaultMessage: (args) =>
        isOriginList(args?.value)
          ? (webAuthnOriginsProblem(args?.object as Environment) ?? '')
          : 'WEBAUTHN_ORIGINS must be a comma-separated list of origins such as https://app.example.com (empty: the origin of APP_URL)',
    },
  })
  WEBAUTHN_ORIGINS = '';

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

  // The web app that opens the links mailed to users: its pages /verify-email, /reset-password and /confirm-email.
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'APP_URL must be an http(s) URL with no query or fragment, such as https://app.example.com',
  })
  APP_URL = 'http://localhost:3000';

  // Empty: every message is written as an .eml file under MAIL_OUTBOX_DIR, and nothing is sent.
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'MAIL_URL must be an smtp:// or smtps:// URL, such as smtp://user:pass@smtp.example.com:587' })
  MAIL_URL?: string;

  // An address only: the display name and every other header come from the service, never from input.
  @Matches(/^[^\s@<>"]+@[^\s@<>"]+$/, { message: 'MAIL_FROM must be a bare address, such as no-reply@example.com' })
  MAIL_FROM = 'no-reply@localhost';

  @MinLength(1)
  MAIL_OUTBOX_DIR = '.local/mail';

  // A failed send is tried again after this, doubled each time (with jitter), up to MAIL_MAX_ATTEMPTS in all.
  @IsIntegerSetting(100, 3_600_000)
  MAIL_RETRY_BASE_MS = 5000;

  @IsIntegerSetting(1, 100)
  MAIL_MAX_ATTEMPTS = 15;

  @IsIn(['optional', 'required'])
  EMAIL_VERIFICATION: 'optional' | 'required' = 'optional';

  @Matches(DURATION_PATTERN, { message: 'EMAIL_VERIFICATION_TTL must be a duration such as 86400, 24h or 7d' })
  EMAIL_VERIFICATION_TTL = '24h';

  @Matches(DURATION_PATTERN, { message: 'EMAIL_CHANGE_TTL must be a duration such as 86400, 24h or 7d' })
  EMAIL_CHANGE_TTL = '24h';

  @Matches(DURATION_PATTERN, { message: 'PASSWORD_RESET_TTL must be a duration such as 1800, 30m or 1h' })
  PASSWORD_RESET_TTL = '30m';

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @IsOptional()
  @IsIn(['json', 'text'])
  LOG_FORMAT?: 'json' | 'text';
}

export class InvalidEnvironmentError extends Error {}

/** Validates the raw environment, failing with one line per bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const environment = plainToInstance(Environment, present, { exposeDefaultValues: true });
  const errors = validateSync(environment, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const messages = Object.values(error.constraints ?? {});
      // Values are not echoed: DATABASE_URL carries a password.
      const state = error.value === undefined || error.value === '' ? 'is not set' : 'is invalid';
      return `  ${error.property} ${state}: ${messages.join('; ')}`;
    });
    throw new InvalidEnvironmentError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return environment;
}

/**
 * The environment of an entry point: `.env` is read into process.env when
 * there is one (variables already set win over it), then the entry point's own
 * defaults fill what is still unset, then the whole is validated.
 */
export function loadEnvironment(defaults: Partial<Record<keyof Environment, string>> = {}): Environment {
  if (existsSync('.env')) process.loadEnvFile('.env');
  for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
  return validateEnvironment(process.env);
}
