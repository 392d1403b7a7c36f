import { ValidateBy } from 'class-validator';
import { HTTP_URL, listItems } from './setting-rules';

/** An id of IDENTITY_PROVIDERS: it names the provider in paths and in its IDP_<ID>_* variables. */
const PROVIDER_ID = /^[a-z0-9-]{1,32}$/;
const LOOPBACK_URL = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

const GITHUB_DEFAULTS = {
  AUTHORIZATION_URL: 'https://github.com/login/oauth/authorize',
  TOKEN_URL: 'https://github.com/login/oauth/access_token',
  API_URL: 'https://api.github.com',
  SCOPES: 'read:user user:email',
};
const OIDC_SCOPES = 'openid email profile';
const SUFFIXES = new Set(['KIND', 'ISSUER', 'CLIENT_ID', 'CLIENT_SECRET', 'NAME', 'SCOPES', 'AUTHORIZATION_URL', 'TOKEN_URL', 'API_URL']);

export type IdentityProviderKind = 'oidc' | 'github';

/** One provider of IDENTITY_PROVIDERS, as its IDP_<ID>_* variables configure it. */
export interface IdentityProviderSetting {
  id: string;
  kind: IdentityProviderKind;
  /** Shown to people: IDP_<ID>_NAME, or the id. */
  name: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** OpenID Connect: discovery at `<issuer>/.well-known/openid-configuration`. */
  issuer?: string;
  /** GitHub's shape: its three endpoints. */
  authorizationUrl?: string;
  tokenUrl?: string;
  apiUrl?: string;
}

/** Comma-separated ids: lower-case letters, digits and `-`, each once. */
export function isProviderIdList(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const ids = listItems(value);
  return ids.every((id) => PROVIDER_ID.test(id)) && new Set(ids).size === ids.length;
}

/** The identity providers (the IDENTITY_PROVIDERS section). */
export class IdentityProviderSettings {
  // Each id's own variables (IDP_<ID>_*) are read by readIdentityProviders: their names depend on the ids.
  @ValidateBy(
    { name: 'isProviderIdList', validator: { validate: isProviderIdList } },
    { message: 'IDENTITY_PROVIDERS must be comma-separated ids of lower-case letters, digits and -, such as google,github, each once' },
  )
  IDENTITY_PROVIDERS = '';
}

/** `IDP_<ID>_` of a provider id: upper-cased, `-` written `_`. */
export function providerVariablePrefix(id: string): string {
  return `IDP_${id.toUpperCase().replace(/-/g, '_')}_`;
}

/**
 * The providers IDENTITY_PROVIDERS names, read off their IDP_<ID>_*
 * variables, and one line for each variable that is missing, malformed or
 * unknown (a typo must not pass for an unset optional setting). An issuer
 * is https, or http on loopback only (a provider of the tests, a local one).
 */
export function readIdentityProviders(source: Readonly<Record<string, unknown>>): {
  providers: IdentityProviderSetting[];
  problems: string[];
} {
  const problems: string[] = [];
  const ids =
    typeof source.IDENTITY_PROVIDERS === 'string' && isProviderIdList(source.IDENTITY_PROVIDERS)
      ? listItems(source.IDENTITY_PROVIDERS)
      : [];
  const providers = ids.map((id) => {
    const prefix = providerVariablePrefix(id);
    const read = (suffix: string): string => {
      const value = source[prefix + suffix];
      return typeof value === 'string' ? value.trim() : '';
    };
    const refuse = (suffix: string, state: 'is not set' | 'is invalid', rule: string) =>
      problems.push(`  ${prefix}${suffix} ${state}: ${rule}`);
    for (const name of Object.keys(source)) {
      if (name.startsWith(prefix) && !SUFFIXES.has(name.slice(prefix.length)) && source[name] !== undefined && source[name] !== '') {
        problems.push(`  ${name} is unknown: a provider's variables are ${prefix}{${[...SUFFIXES].join(',')}}`);
      }
    }
    const kindText = read('KIND') || 'oidc';
    if (kindText !== 'oidc' && kindText !== 'github') refuse('KIND', 'is invalid', 'oidc (the default) or github');
    const kind: IdentityProviderKind = kindText === 'github' ? 'github' : 'oidc';
    const url = (suffix: string, fallback?: string): string | undefined => {
      const value = read(suffix) || fallback;
      if (!value) refuse(suffix, 'is not set', `the ${kind === 'oidc' ? 'issuer' : 'endpoint'}'s URL, https`);
      else if (!HTTP_URL.test(value) || (value.startsWith('http:') && !LOOPBACK_URL.test(value))) {
        refuse(suffix, 'is invalid', 'an https URL with no query or fragment (http on loopback only)');
      }
      return value?.replace(/\/+$/, '');
    };
    const clientId = read('CLIENT_ID');
    if (!clientId || clientId.length > 255)
      refuse('CLIENT_ID', clientId ? 'is invalid' : 'is not set', 'the client id the provider gave, 255 characters at most');
    const clientSecret = read('CLIENT_SECRET');
    if (!clientSecret) refuse('CLIENT_SECRET', 'is not set', 'the client secret the provider gave');
    const name = read('NAME') || id;
    if (name.length > 100 || /[\p{Cc}\p{Cf}]/u.test(name))
      refuse('NAME', 'is invalid', 'a name of 100 characters at most, no control character');
    const scopes = (read('SCOPES') || (kind === 'github' ? GITHUB_DEFAULTS.SCOPES : OIDC_SCOPES)).split(/\s+/);
    if (!scopes.every((scope) => SCOPE_TOKEN.test(scope)) || (kind === 'oidc' && !scopes.includes('openid'))) {
      refuse('SCOPES', 'is invalid', kind === 'oidc' ? 'space-separated scopes, openid among them' : 'space-separated scopes');
    }
    const setting: IdentityProviderSetting = { id, kind, name, clientId, clientSecret, scopes };
    if (kind === 'oidc') {
      setting.issuer = url('ISSUER');
      for (const suffix of ['AUTHORIZATION_URL', 'TOKEN_URL', 'API_URL']) {
        if (read(suffix))
          refuse(suffix, 'is invalid', `for a provider of KIND=github only: ${prefix}ISSUER's discovery gives its endpoints`);
      }
    } else {
      if (read('ISSUER')) refuse('ISSUER', 'is invalid', 'for an OpenID Connect provider only (KIND=oidc)');
      setting.authorizationUrl = url('AUTHORIZATION_URL', GITHUB_DEFAULTS.AUTHORIZATION_URL);
      setting.tokenUrl = url('TOKEN_URL', GITHUB_DEFAULTS.TOKEN_URL);
      setting.apiUrl = url('API_URL', GITHUB_DEFAULTS.API_URL);
    }
    return setting;
  });
  return { providers, problems };
}
