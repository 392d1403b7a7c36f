import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseConfig, webAuthnConfig } from './app.config';
import { parseDurationSeconds } from './duration';
import { environmentDefaults, validateEnvironment } from './environment';

const minimal = { DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/db' };
const ROOT = join(__dirname, '..', '..');

/** The `NAME=default` lines of .env.example, in order. */
function envExampleEntries(): Array<[string, string]> {
  return readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

describe('validateEnvironment', () => {
  it('applies the documented defaults', () => {
    expect(validateEnvironment(minimal)).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATABASE_MIGRATE_ON_START: true,
      BCRYPT_COST: 12,
      ACCESS_TOKEN_TTL: '24h',
      ACCESS_TOKEN_IDLE_TTL: '0',
      MAX_TOKENS_PER_USER: 50,
    });
  });

  it('accepts trusted proxies as a hop count or a list of addresses and subnets, and origins as a list', () => {
    expect(validateEnvironment({ ...minimal, TRUST_PROXY: '2' }).TRUST_PROXY).toBe('2');
    expect(validateEnvironment({ ...minimal, TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).TRUST_PROXY).toBe(
      'loopback, 10.0.0.0/8, fd00::/8',
    );
    expect(validateEnvironment({ ...minimal, CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).CORS_ORIGINS).toBe(
      'https://app.example.com, http://localhost:5173',
    );
  });

  it('takes passkey origins on the RP ID or a domain below it, and APP_URL’s origin when none are listed', () => {
    const onSubdomains = { ...minimal, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com' };
    expect(webAuthnConfig.fromEnvironment(validateEnvironment(onSubdomains))).toEqual({
      rpId: 'example.com',
      rpName: 'Nest Auth',
      origins: ['https://example.com', 'https://app.example.com'],
    });
    const fromAppUrl = { ...minimal, WEBAUTHN_RP_ID: 'example.com', APP_URL: 'https://app.example.com/base/' };
    expect(webAuthnConfig.fromEnvironment(validateEnvironment(fromAppUrl)).origins).toEqual(['https://app.example.com']);
    expect(webAuthnConfig.fromEnvironment(validateEnvironment(minimal)).origins).toEqual(['http://localhost:3000']);
  });

  it('makes APP_URL the service’s own origin when it is empty, so its account pages open the mailed links', () => {
    expect(validateEnvironment(minimal).APP_URL).toBe('http://localhost:3000');
    expect(validateEnvironment({ ...minimal, PORT: '8080', APP_URL: '' }).APP_URL).toBe('http://localhost:8080');
    const behindTls = { ...minimal, PUBLIC_URL: 'https://auth.example.com', WEBAUTHN_RP_ID: 'example.com' };
    expect(validateEnvironment(behindTls).APP_URL).toBe('https://auth.example.com');
    expect(validateEnvironment({ ...behindTls, APP_URL: 'https://app.example.com' }).APP_URL).toBe('https://app.example.com');
  });

  it('reads replica URLs as a list and their lag limit in milliseconds', () => {
    const replicas = {
      ...minimal,
      DATABASE_REPLICA_URLS: ' mysql://u:p@replica-1:3306/db ,mysql://u:p@replica-2:3306/db',
      DATABASE_REPLICA_MAX_LAG: '5s',
    };
    expect(databaseConfig.fromEnvironment(validateEnvironment(replicas))).toMatchObject({
      replicaUrls: ['mysql://u:p@replica-1:3306/db', 'mysql://u:p@replica-2:3306/db'],
      replicaMaxLagMs: 5000,
    });
    expect(databaseConfig.fromEnvironment(validateEnvironment(minimal))).toMatchObject({ replicaUrls: [], replicaMaxLagMs: 2000 });
  });

  it('converts numbers and booleans from their text form', () => {
    expect(validateEnvironment({ ...minimal, PORT: '8080', DATABASE_MIGRATE_ON_START: 'false', BCRYPT_COST: '11' })).toMatchObject({
      PORT: 8080,
      DATABASE_MIGRATE_ON_START: false,
      BCRYPT_COST: 11,
    });
  });

  it.each([
    [{}, /DATABASE_URL is not set/],
    [{ ...minimal, BCRYPT_COST: '9' }, /BCRYPT_COST is invalid: BCRYPT_COST must be at least 10/],
    [{ ...minimal, PORT: 'eighty' }, /PORT is invalid/],
    [{ ...minimal, ACCESS_TOKEN_TTL: 'one day' }, /ACCESS_TOKEN_TTL is invalid: .*such as 3600, 90m, 24h or 7d/],
    [{ ...minimal, DATABASE_MIGRATE_ON_START: 'maybe' }, /DATABASE_MIGRATE_ON_START is invalid/],
    [{ ...minimal, ACCESS_TOKEN_IDLE_TTL: '30s' }, /ACCESS_TOKEN_IDLE_TTL is invalid: .*2 minutes or more/],
    [{ ...minimal, NODE_ENV: 'staging' }, /NODE_ENV is invalid/],
    [{ ...minimal, TRUST_PROXY: '0.0.0.0/0' }, /TRUST_PROXY is invalid/],
    [{ ...minimal, TRUST_PROXY: '10.0.0.0/99' }, /TRUST_PROXY is invalid/],
    [{ ...minimal, TRUST_PROXY: 'everyone' }, /TRUST_PROXY is invalid/],
    [{ ...minimal, CORS_ORIGINS: '*' }, /CORS_ORIGINS is invalid/],
    [{ ...minimal, CORS_ORIGINS: 'null' }, /CORS_ORIGINS is invalid/],
    [{ ...minimal, CORS_ORIGINS: 'https://app.example.com/path' }, /CORS_ORIGINS is invalid/],
    [{ ...minimal, NODE_ENV: 'production' }, /CSRF_SECRET is not set: .*at least 32 characters/],
    [{ ...minimal, CSRF_SECRET: 'short' }, /CSRF_SECRET is invalid/],
    [{ ...minimal, NODE_ENV: 'production' }, /MFA_ENCRYPTION_KEY is not set: .*32 random bytes in base64/],
    [{ ...minimal, MFA_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }, /MFA_ENCRYPTION_KEY is invalid/],
    [{ ...minimal, MFA_ENCRYPTION_KEY: 'k'.repeat(32) }, /MFA_ENCRYPTION_KEY is invalid/],
    [
      { ...minimal, MFA_ENCRYPTION_KEYS_PREVIOUS: `${Buffer.alloc(32).toString('base64')},short` },
      /MFA_ENCRYPTION_KEYS_PREVIOUS is invalid/,
    ],
    [{ ...minimal, MFA_ISSUER: 'Acme: Auth' }, /MFA_ISSUER is invalid: .*no colon/],
    [{ ...minimal, WEBAUTHN_RP_ID: 'https://example.com' }, /WEBAUTHN_RP_ID is invalid: .*a domain name/],
    [{ ...minimal, WEBAUTHN_RP_ID: '127.0.0.1' }, /WEBAUTHN_RP_ID is invalid/],
    [{ ...minimal, WEBAUTHN_RP_NAME: 'Acme\nAuth' }, /WEBAUTHN_RP_NAME is invalid/],
    [{ ...minimal, DATABASE_REPLICA_URLS: 'mysql://u:p@replica-1/db, postgres://u:p@replica-2/db' }, /DATABASE_REPLICA_URLS is invalid/],
    [{ ...minimal, DATABASE_REPLICA_MAX_LAG: '0s' }, /DATABASE_REPLICA_MAX_LAG is invalid: .*1s or more/],
    [{ ...minimal, DATABASE_REPLICA_MAX_LAG: '500ms' }, /DATABASE_REPLICA_MAX_LAG is invalid/],
    [{ ...minimal, WEBAUTHN_ORIGINS: 'https://*.example.com' }, /WEBAUTHN_ORIGINS is invalid: .*list of origins/],
    [
      { ...minimal, APP_URL: 'https://app.example.com' },
      /WEBAUTHN_ORIGINS is not set: the origin https:\/\/app.example.com \(the origin of APP_URL\) is not on WEBAUTHN_RP_ID localhost: set WEBAUTHN_RP_ID to app.example.com/,
    ],
    [
      { ...minimal, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com.evil.io' },
      /is not on WEBAUTHN_RP_ID example.com/,
    ],
    [{ ...minimal, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'http://app.example.com' }, /must be https/],
    [{ ...minimal, PASSKEY_CHALLENGES_PER_CLIENT: '0' }, /PASSKEY_CHALLENGES_PER_CLIENT is invalid/],
    [{ ...minimal, LOGIN_MAX_FAILURES_PER_ACCOUNT: '11' }, /LOGIN_MAX_FAILURES_PER_ACCOUNT is invalid: .*between 1 and 10/],
  ])('refuses %j with a message naming the variable', (raw, message) => {
    expect(() => validateEnvironment(raw)).toThrow(message);
  });

  it('never echoes a value, since DATABASE_URL carries a password', () => {
    expect(() => validateEnvironment({ DATABASE_URL: 'postgres://user:s3cret@host/db' })).toThrow(/^(?![\s\S]*s3cret)/);
  });

  it('.env.example lists every variable, with its default', () => {
    const listed = Object.fromEntries(envExampleEntries());
    const defaults = Object.entries(environmentDefaults()).map(([name, value]) => [name, value === undefined ? '' : String(value)]);
    const documented = [...defaults.map(([name]) => name), 'DATABASE_URL', 'LOG_FORMAT', 'MAIL_URL'];

    expect(Object.keys(listed).sort()).toEqual([...new Set(documented)].sort());
    for (const [name, value] of defaults) expect([name, listed[name]]).toEqual([name, value]);
  });
});

describe('README "Configuration"', () => {
  it('has a row for every variable of .env.example, with the same default', () => {
    const example = envExampleEntries();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const rows = Object.fromEntries([...section.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)].map((match) => [match[1], match[2].trim()]));

    for (const [name, value] of example) {
      expect([name, rows[name]]).toEqual([name, value === '' ? '(empty)' : `\`${value}\``]);
    }
    expect(Object.keys(rows).sort()).toEqual(example.map(([name]) => name).sort());
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['24h', 86400],
    ['7d', 604800],
    ['0', 0],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it('refuses anything else', () => {
    expect(() => parseDurationSeconds('1 week')).toThrow('not a duration');
  });
});

describe('identity providers (IDENTITY_PROVIDERS and IDP_<ID>_*)', () => {
  const google = {
    IDENTITY_PROVIDERS: 'google',
    IDP_GOOGLE_ISSUER: 'https://accounts.google.com/',
    IDP_GOOGLE_CLIENT_ID: 'client-id',
    IDP_GOOGLE_CLIENT_SECRET: 'client-secret',
  };

  it('reads each provider with the documented defaults: an OpenID Connect one named by its id, and one of GitHub’s shape', () => {
    const environment = validateEnvironment({
      ...minimal,
      ...google,
      IDENTITY_PROVIDERS: 'google, company-sso,github',
      IDP_COMPANY_SSO_ISSUER: 'http://127.0.0.1:9000/realms/staff',
      IDP_COMPANY_SSO_CLIENT_ID: 'auth',
      IDP_COMPANY_SSO_CLIENT_SECRET: 'secret',
      IDP_COMPANY_SSO_NAME: 'Staff sign-in',
      IDP_COMPANY_SSO_SCOPES: 'openid email',
      IDP_GITHUB_KIND: 'github',
      IDP_GITHUB_CLIENT_ID: 'Iv1.abc',
      IDP_GITHUB_CLIENT_SECRET: 'gh-secret',
    });

    expect(environment.identityProviders).toEqual([
      {
        id: 'google',
        kind: 'oidc',
        name: 'google',
        clientId: 'client-id',
        clientSecret: 'client-secret',
        scopes: ['openid', 'email', 'profile'],
        issuer: 'https://accounts.google.com',
      },
      {
        id: 'company-sso',
        kind: 'oidc',
        name: 'Staff sign-in',
        clientId: 'auth',
        clientSecret: 'secret',
        scopes: ['openid', 'email'],
        issuer: 'http://127.0.0.1:9000/realms/staff',
      },
      {
        id: 'github',
        kind: 'github',
        name: 'github',
        clientId: 'Iv1.abc',
        clientSecret: 'gh-secret',
        scopes: ['read:user', 'user:email'],
        authorizationUrl: 'https://github.com/login/oauth/authorize',
        tokenUrl: 'https://github.com/login/oauth/access_token',
        apiUrl: 'https://api.github.com',
      },
    ]);
  });

  it('has none by default', () => {
    expect(validateEnvironment(minimal).identityProviders).toEqual([]);
  });

  it.each([
    [{ IDENTITY_PROVIDERS: 'Google' }, /IDENTITY_PROVIDERS is invalid: IDENTITY_PROVIDERS must be comma-separated ids/],
    [{ IDENTITY_PROVIDERS: 'google,google' }, /IDENTITY_PROVIDERS is invalid/],
    [{ IDP_GOOGLE_ISSUER: undefined }, /IDP_GOOGLE_ISSUER is not set/],
    [{ IDP_GOOGLE_CLIENT_ID: undefined }, /IDP_GOOGLE_CLIENT_ID is not set/],
    [{ IDP_GOOGLE_CLIENT_SECRET: '' }, /IDP_GOOGLE_CLIENT_SECRET is not set/],
    [{ IDP_GOOGLE_ISSUER: 'http://accounts.example.com' }, /IDP_GOOGLE_ISSUER is invalid: an https URL .*\(http on loopback only\)/],
    [{ IDP_GOOGLE_ISSUER: 'https://accounts.example.com/?tenant=1' }, /IDP_GOOGLE_ISSUER is invalid/],
    [{ IDP_GOOGLE_KIND: 'saml' }, /IDP_GOOGLE_KIND is invalid: oidc \(the default\) or github/],
    [{ IDP_GOOGLE_SCOPES: 'email profile' }, /IDP_GOOGLE_SCOPES is invalid: space-separated scopes, openid among them/],
    [{ IDP_GOOGLE_NAME: 'Goo\u0007gle' }, /IDP_GOOGLE_NAME is invalid/],
    [{ IDP_GOOGLE_CLIENTID: 'typo' }, /IDP_GOOGLE_CLIENTID is unknown/],
    [{ IDP_GOOGLE_TOKEN_URL: 'https://example.com/token' }, /IDP_GOOGLE_TOKEN_URL is invalid: for a provider of KIND=github only/],
    [{ IDP_GOOGLE_KIND: 'github' }, /IDP_GOOGLE_ISSUER is invalid: for an OpenID Connect provider only/],
  ])('refuses %j with a message naming the variable', (change, message) => {
    const raw: Record<string, string | undefined> = { ...minimal, ...google, ...change };
    expect(() => validateEnvironment(raw)).toThrow(message);
  });

  it('never echoes a client secret', () => {
    expect(() => validateEnvironment({ ...minimal, ...google, IDP_GOOGLE_CLIENT_SECRET: 's3cret', IDP_GOOGLE_ISSUER: 'ftp://x' })).toThrow(
      /^(?![\s\S]*s3cret)/,
    );
  });
});
