import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { existsSync } from 'node:fs';
import { AccountSettings } from './settings/account.settings';
import { AuthSettings } from './settings/auth.settings';
import { DatabaseSettings } from './settings/database.settings';
import { IdentityProviderSetting, IdentityProviderSettings, readIdentityProviders } from './settings/identity-providers';
import { LoggingSettings } from './settings/logging.settings';
import { MailSettings } from './settings/mail.settings';
import { MfaSettings } from './settings/mfa.settings';
import { OAuthSettings } from './settings/oauth.settings';
import { ServerSettings } from './settings/server.settings';
import { SessionSettings } from './settings/session.settings';
import { ThrottlingSettings } from './settings/throttling.settings';
import { WebAuthnSettings } from './settings/webauthn.settings';

/**
 * Every environment variable the service reads, with its default, one class
 * of settings a domain (as the config namespaces of app.config.ts read them).
 * `.env.example` lists the same variables; a test keeps the two in step.
 */
const SECTIONS: ReadonlyArray<new () => object> = [
  ServerSettings,
  DatabaseSettings,
  AuthSettings,
  SessionSettings,
  OAuthSettings,
  IdentityProviderSettings,
  MfaSettings,
  WebAuthnSettings,
  ThrottlingSettings,
  MailSettings,
  AccountSettings,
  LoggingSettings,
];

export type Environment = ServerSettings &
  DatabaseSettings &
  AuthSettings &
  SessionSettings &
  OAuthSettings &
  IdentityProviderSettings &
  MfaSettings &
  WebAuthnSettings &
  ThrottlingSettings &
  MailSettings &
  AccountSettings &
  LoggingSettings & {
    /** The providers of IDENTITY_PROVIDERS, read off their IDP_<ID>_* variables. */
    identityProviders: readonly IdentityProviderSetting[];
  };

/** The variables a section validates: every property with a rule (a default alone would miss the required ones). */
function variablesOf(section: new () => object): string[] {
  return [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(section, '', true, false)
        .map((rule) => rule.propertyName),
    ),
  ];
}

/** A variable's default: a string, or what its rule turns one into. */
type DefaultValue = string | number | boolean | undefined;

/** Every variable with its default (`undefined` for the ones without one). */
export function environmentDefaults(): Record<string, DefaultValue> {
  return Object.fromEntries(
    SECTIONS.flatMap((section) => {
      const defaults = new section() as Record<string, DefaultValue>;
      return variablesOf(section).map((name) => [name, defaults[name]]);
    }),
  );
}

export class InvalidEnvironmentError extends Error {}

/**
 * Validates the raw environment, failing with one line per bad variable. Each
 * section sees every variable (a rule may read another domain's, as
 * WEBAUTHN_ORIGINS reads APP_URL) and keeps its own.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const source = { ...environmentDefaults(), ...present };
  // Left empty, APP_URL is the service itself: its own account pages open the mailed links.
  source.APP_URL ??= source.PUBLIC_URL ?? `http://localhost:${String(source.PORT)}`;
  const sections: object[] = [];
  const lines: string[] = [];
  for (const section of SECTIONS) {
    const settings: object = plainToInstance(section, source, { exposeDefaultValues: true });
    for (const error of validateSync(settings, { skipMissingProperties: false, whitelist: false })) {
      const messages = Object.values(error.constraints ?? {});
      // Values are not echoed: DATABASE_URL carries a password.
      const state = error.value === undefined || error.value === '' ? 'is not set' : 'is invalid';
      lines.push(`  ${error.property} ${state}: ${messages.join('; ')}`);
    }
    sections.push(Object.fromEntries(variablesOf(section).map((name) => [name, (settings as Record<string, unknown>)[name]])));
  }
  const { providers, problems } = readIdentityProviders(source);
  lines.push(...problems);
  if (lines.length > 0) throw new InvalidEnvironmentError(`Invalid configuration:\n${lines.join('\n')}`);
  return Object.assign({}, ...sections, { identityProviders: providers }) as Environment;
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
