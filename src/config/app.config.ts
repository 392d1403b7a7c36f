import { randomBytes } from 'node:crypto';
import { parseDurationSeconds } from './duration';
import type { Environment } from './environment';
import { listItems } from './settings/setting-rules';
import { webAuthnOrigins } from './settings/web-origins';

/**
 * A typed slice of the settings: its injection token and how it is read off
 * the validated environment. The environment is validated once, by the entry
 * point; each namespace only reshapes it.
 */
export interface ConfigNamespace<Settings> {
  readonly KEY: symbol;
  fromEnvironment(environment: Environment): Settings;
}

function configNamespace<Settings>(name: string, fromEnvironment: (environment: Environment) => Settings): ConfigNamespace<Settings> {
  return { KEY: Symbol(`config.${name}`), fromEnvironment };
}

export const databaseConfig = configNamespace('database', (env) => ({
  url: env.DATABASE_URL,
  migrateOnStart: env.DATABASE_MIGRATE_ON_START,
  poolSize: env.DATABASE_POOL_SIZE,
  queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
  replicaUrls: listItems(env.DATABASE_REPLICA_URLS),
  replicaMaxLagMs: parseDurationSeconds(env.DATABASE_REPLICA_MAX_LAG) * 1000,
}));

export const authConfig = configNamespace('auth', (env) => ({
  bcryptCost: env.BCRYPT_COST,
  accessTokenTtlSeconds: parseDurationSeconds(env.ACCESS_TOKEN_TTL),
  accessTokenIdleTtlSeconds: parseDurationSeconds(env.ACCESS_TOKEN_IDLE_TTL),
  maxTokensPerUser: env.MAX_TOKENS_PER_USER,
  maxPersonalTokensPerUser: env.MAX_PERSONAL_TOKENS_PER_USER,
  securityEventRetentionSeconds: parseDurationSeconds(env.SECURITY_EVENT_RETENTION),
  tokenCacheTtlMs: env.TOKEN_CACHE_TTL_MS,
  revocationPollMs: env.REVOCATION_POLL_MS,
  tokenCacheMaxEntries: env.TOKEN_CACHE_MAX_ENTRIES,
  passwordHashingConcurrency: env.PASSWORD_HASHING_CONCURRENCY,
  passwordHashingQueue: env.PASSWORD_HASHING_QUEUE,
  passwordHashingMaxWaitMs: env.PASSWORD_HASHING_MAX_WAIT_MS,
  passwordHashingQueuePerClient: env.PASSWORD_HASHING_QUEUE_PER_CLIENT,
}));

export const oauthConfig = configNamespace('oauth', (env) => ({
  refreshTokenTtlSeconds: parseDurationSeconds(env.REFRESH_TOKEN_TTL),
  sessionMaxAgeSeconds: parseDurationSeconds(env.SESSION_MAX_AGE),
  refreshReuseGraceSeconds: parseDurationSeconds(env.REFRESH_REUSE_GRACE),
  introspectionClients: new Map(
    listItems(env.INTROSPECTION_CLIENTS).map((client) => {
      const colon = client.indexOf(':');
      return [client.slice(0, colon), client.slice(colon + 1)] as const;
    }),
  ),
}));

export const identityProvidersConfig = configNamespace('identityProviders', (env) => ({
  providers: env.identityProviders,
}));

export const httpConfig = configNamespace('http', (env) => {
  const trustProxy = env.TRUST_PROXY.trim();
  const corsOrigins: ReadonlySet<string> = new Set(listItems(env.CORS_ORIGINS));
  return {
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    accountPages: env.ACCOUNT_PAGES,
    corsOrigins,
    trustProxy: trustProxy === 'false' ? false : /^\d+$/.test(trustProxy) ? Number(trustProxy) : listItems(trustProxy),
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: env.MAX_CONNECTIONS,
  };
});

export const sessionConfig = configNamespace('session', (env) => ({
  secureCookies: env.SESSION_COOKIE_SECURE,
  csrfSecret: env.CSRF_SECRET === '' ? randomBytes(32) : Buffer.from(env.CSRF_SECRET, 'utf8'),
}));

export const mfaConfig = configNamespace('mfa', (env) => ({
  encryptionKey: env.MFA_ENCRYPTION_KEY === '' ? randomBytes(32) : Buffer.from(env.MFA_ENCRYPTION_KEY.trim(), 'base64'),
  previousEncryptionKeys: listItems(env.MFA_ENCRYPTION_KEYS_PREVIOUS).map((key) => Buffer.from(key, 'base64')),
  issuer: env.MFA_ISSUER,
  // Outside production the key may be a fresh random one: secrets of an earlier process are expected to be unreadable.
  unreadableSecretsStopStartup: env.NODE_ENV === 'production',
}));

export const webAuthnConfig = configNamespace('webauthn', (env) => ({
  rpId: env.WEBAUTHN_RP_ID,
  rpName: env.WEBAUTHN_RP_NAME,
  origins: webAuthnOrigins(env),
}));

export const throttlingConfig = configNamespace('throttling', (env) => ({
  loginFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
  loginFailuresPerClient: env.LOGIN_MAX_FAILURES_PER_CLIENT,
  loginFailureWindowSeconds: parseDurationSeconds(env.LOGIN_FAILURE_WINDOW),
  registrationsPerClient: env.REGISTRATIONS_PER_CLIENT,
  registrationWindowSeconds: parseDurationSeconds(env.REGISTRATION_WINDOW),
  passkeyChallengesPerClient: env.PASSKEY_CHALLENGES_PER_CLIENT,
  providerFlowsPerClient: env.PROVIDER_FLOWS_PER_CLIENT,
  invalidTokensPerClient: env.INVALID_TOKENS_PER_CLIENT,
}));

export const mailConfig = configNamespace('mail', (env) => ({
  appUrl: env.APP_URL.replace(/\/+$/, ''),
  mailUrl: env.MAIL_URL,
  from: env.MAIL_FROM,
  outboxDir: env.MAIL_OUTBOX_DIR,
  retryBaseMs: env.MAIL_RETRY_BASE_MS,
  maxAttempts: env.MAIL_MAX_ATTEMPTS,
}));

export const accountConfig = configNamespace('account', (env) => ({
  emailVerification: env.EMAIL_VERIFICATION,
  emailVerificationTtlSeconds: parseDurationSeconds(env.EMAIL_VERIFICATION_TTL),
  emailChangeTtlSeconds: parseDurationSeconds(env.EMAIL_CHANGE_TTL),
  passwordResetTtlSeconds: parseDurationSeconds(env.PASSWORD_RESET_TTL),
}));

/** LOG_LEVEL keeps Nest's level names; pino calls `log` info and `verbose` trace. */
const PINO_LEVELS = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

export const loggingConfig = configNamespace('logging', (env) => ({
  level: PINO_LEVELS[env.LOG_LEVEL],
  format: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'text'),
}));

export const CONFIG_NAMESPACES = [
  databaseConfig,
  authConfig,
  oauthConfig,
  identityProvidersConfig,
  httpConfig,
  sessionConfig,
  mfaConfig,
  webAuthnConfig,
  throttlingConfig,
  loggingConfig,
  mailConfig,
  accountConfig,
];

type SettingsOf<Namespace> = Namespace extends ConfigNamespace<infer Settings> ? Settings : never;
export type DatabaseConfig = SettingsOf<typeof databaseConfig>;
export type AuthConfig = SettingsOf<typeof authConfig>;
export type OAuthConfig = SettingsOf<typeof oauthConfig>;
export type IdentityProvidersConfig = SettingsOf<typeof identityProvidersConfig>;
export type HttpConfig = SettingsOf<typeof httpConfig>;
export type SessionConfig = SettingsOf<typeof sessionConfig>;
export type MfaConfig = SettingsOf<typeof mfaConfig>;
export type WebAuthnConfig = SettingsOf<typeof webAuthnConfig>;
export type ThrottlingConfig = SettingsOf<typeof throttlingConfig>;
export type LoggingConfig = SettingsOf<typeof loggingConfig>;
export type MailConfig = SettingsOf<typeof mailConfig>;
export type AccountConfig = SettingsOf<typeof accountConfig>;
