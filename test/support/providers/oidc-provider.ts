import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, stopProcess } from '../../../bench/support/processes';
import type { IdentityProviderSetting } from '../../../src/config/settings/identity-providers';

/** The claims a test gives an account of the provider. */
export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface OidcTestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The provider as the service's settings name it, with this id. */
  setting(id?: string, name?: string): IdentityProviderSetting;
  /** Adds or changes accounts (by `sub`). */
  setAccounts(accounts: Record<string, ProviderAccount>): Promise<void>;
  /** Who signs in at the provider's next interaction, or the error a refusal gives. */
  nextSignIn(next: { sub: string } | { error: string }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider, in a process of its own: it
 * is an ES module with dependencies of its own), on loopback, with one
 * confidential client whose redirect URIs are the service's callbacks.
 */
export async function startOidcProvider(redirectUris: string[]): Promise<OidcTestProvider> {
  const port = await freePort();
  const clientId = 'service-under-test';
  const clientSecret = 'a-client-secret-of-the-tests-provider-0123456789';
  const child = spawn(process.execPath, [join(__dirname, 'oidc-provider-server.mjs')], {
    // Its warnings about development defaults (in-memory storage, generated keys) are what the tests want: kept unless it fails.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PROVIDER_PORT: String(port),
      PROVIDER_CLIENTS: JSON.stringify([{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris }]),
    },
  });
  const warnings: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => warnings.push(String(chunk)));
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    once(child, 'exit').then(() => ['exited']),
  ])) as string[];
  if (line !== 'ready') throw new Error(`the OpenID Connect provider of the tests did not start:\n${warnings.join('')}`);
  const issuer = `http://127.0.0.1:${port}`;
  const post = async (state: unknown) => {
    const response = await fetch(`${issuer}/test/state`, { method: 'POST', body: JSON.stringify(state) });
    if (!response.ok) throw new Error(`the provider refused its state: ${response.status}`);
  };
  return {
    issuer,
    clientId,
    clientSecret,
    setting: (id = 'test', name = 'Test provider') => ({
      id,
      kind: 'oidc',
      name,
      clientId,
      clientSecret,
      scopes: ['openid', 'email', 'profile'],
      issuer,
    }),
    setAccounts: (accounts) => post({ accounts }),
    nextSignIn: (next) => post({ nextSignIn: next }),
    stop: () => stopProcess(child),
  };
}

/**
 * A browser's way through the provider's pages: follows its redirects, with
 * its cookies, from the authorization URL until it leaves for `until` (the
 * service's callback), and returns that URL.
 */
export async function throughProvider(authorizationUrl: string, until: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 10; hop++) {
    if (url.href.startsWith(until)) return url;
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`the provider stopped at ${url.href} with ${response.status}: ${await response.text()}`);
    url = new URL(location, url);
  }
  throw new Error('the provider redirected more than 10 times');
}
