import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap, ServiceUnavailableException } from '@nestjs/common';
import * as oidc from 'openid-client';
import { Clock } from '../../common/time/clock';
import { httpConfig, HttpConfig, identityProvidersConfig, IdentityProvidersConfig } from '../../config/app.config';
import type { IdentityProviderSetting } from '../../config/settings/identity-providers';
import { boundedFetch } from './bounded-fetch';

/**
 * How long one request to a provider may take. A callback makes three at
 * most (token, key set, UserInfo): a stalled provider costs it 9 s, within
 * the default REQUEST_TIMEOUT_MS; an honest one answers in well under a second.
 */
const PROVIDER_TIMEOUT_SECONDS = 3;
/** The skew allowed on an ID token's `exp` and `iat` (the contract's 60 s). */
const CLOCK_TOLERANCE_SECONDS = 60;
/** A failed discovery is tried again after this long, so that a provider that is down is not asked on every request. */
const DISCOVERY_RETRY_MS = 5_000;

/** Who the provider says signed in: its subject, and the address it gives with whether it vouches for it. */
export interface ProviderIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

/** What a flow keeps to check the provider's answer: the `state`, this service's PKCE verifier and the OpenID Connect nonce. */
export interface FlowChecks {
  state: string;
  codeVerifier: string;
  nonce: string;
}

/** The provider's answer failed a check, or the provider could not be reached (`#error=PROVIDER_FAILED`). */
export class ProviderFailure extends Error {}

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/**
 * The relying party of each configured provider, on `openid-client` (the
 * certified implementation): discovery, PKCE, the authorization code grant
 * and every check of the ID token are its own. Two settings are not its
 * defaults: the ID token's signature is verified against the issuer's keys
 * even when it came straight from the token endpoint (enableNonRepudiationChecks;
 * the keys are fetched again when an unknown `kid` appears), and every
 * request has a timeout and a bounded body. Discovery is lazy and never
 * holds up start-up: a provider whose discovery fails answers 503 until it succeeds.
 */
@Injectable()
export class IdentityProviderClients implements OnApplicationBootstrap {
  private readonly logger = new Logger(IdentityProviderClients.name);
  private readonly settings: ReadonlyMap<string, IdentityProviderSetting>;
  private readonly configurations = new Map<string, oidc.Configuration>();
  private readonly discoveries = new Map<string, Promise<oidc.Configuration>>();
  private readonly failedAt = new Map<string, number>();
  private readonly publicUrl: string;

  constructor(
    @Inject(identityProvidersConfig.KEY) config: IdentityProvidersConfig,
    @Inject(httpConfig.KEY) http: HttpConfig,
    private readonly clock: Clock,
  ) {
    this.settings = new Map(config.providers.map((setting) => [setting.id, setting]));
    this.publicUrl = http.publicUrl;
  }

  /** Discovery starts at once, in the background: the first person to sign in then seldom waits for it. */
  onApplicationBootstrap(): void {
    for (const setting of this.settings.values()) this.configuration(setting).catch(() => undefined);
  }

  /** The provider of this id; 404 NOT_FOUND when none is configured. */
  provider(id: string): IdentityProviderSetting {
    const setting = this.settings.get(id);
    if (!setting) throw new NotFoundException('No such identity provider');
    return setting;
  }

  callbackUrl(setting: IdentityProviderSetting): string {
    return `${this.publicUrl}/auth/providers/${setting.id}/callback`;
  }

  /** Resolves once the provider's configuration is known; 503 while its discovery fails. */
  async ready(setting: IdentityProviderSetting): Promise<void> {
    await this.configuration(setting);
  }

  /** Where to send the browser: the provider's authorization endpoint with PKCE S256, `state` and (OpenID Connect) `nonce`. */
  async authorizationUrl(setting: IdentityProviderSetting, checks: FlowChecks): Promise<string> {
    const configuration = await this.configuration(setting);
    const parameters: Record<string, string> = {
      redirect_uri: this.callbackUrl(setting),
      scope: setting.scopes.join(' '),
      state: checks.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    };
    if (setting.kind === 'oidc') parameters.nonce = checks.nonce;
    return oidc.buildAuthorizationUrl(configuration, parameters).href;
  }

  /**
   * Finishes the authorization code grant of a callback (`query` is the
   * callback's own) and says who signed in. Any failure, of the provider or
   * of a check, is a ProviderFailure; provider tokens go no further than here.
   */
  async identify(setting: IdentityProviderSetting, query: URLSearchParams, checks: FlowChecks): Promise<ProviderIdentity> {
    let configuration: oidc.Configuration;
    try {
      configuration = await this.configuration(setting);
    } catch {
      throw new ProviderFailure(`${setting.id}: discovery failed`);
    }
    const currentUrl = new URL(`${this.callbackUrl(setting)}?${query.toString()}`);
    try {
      if (setting.kind === 'github') {
        const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
          expectedState: checks.state,
          pkceCodeVerifier: checks.codeVerifier,
        });
        return await this.gitHubIdentity(configuration, setting, tokens.access_token);
      }
      const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new ProviderFailure('no ID token');
      if (claims.sub.length > 255) throw new ProviderFailure('a subject longer than 255 characters');
      // openid-client bounds `iat` in the past only; one from the future is as suspect.
      if (claims.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) throw new ProviderFailure('ID token issued in the future');
      let { email, email_verified: emailVerified } = claims;
      if (typeof email !== 'string') {
        // Some providers put the address in the UserInfo answer only; it must name the ID token's subject.
        const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        ({ email, email_verified: emailVerified } = userInfo);
      }
      return {
        subject: claims.sub,
        email: typeof email === 'string' ? email : null,
        emailVerified: emailVerified === true || emailVerified === 'true',
      };
    } catch (error) {
      if (error instanceof ProviderFailure) throw error;
      throw new ProviderFailure(`${setting.id}: ${(error as Error).message}`);
    }
  }

  /** GitHub's shape: the numeric user id, and the primary address when GitHub has verified it. */
  private async gitHubIdentity(
    configuration: oidc.Configuration,
    setting: IdentityProviderSetting,
    accessToken: string,
  ): Promise<ProviderIdentity> {
    const read = async (path: string): Promise<unknown> => {
      const headers = new Headers({ accept: 'application/vnd.github+json', 'user-agent': 'nest-auth-service' });
      const response = await oidc.fetchProtectedResource(
        configuration,
        accessToken,
        new URL(`${setting.apiUrl}${path}`),
        'GET',
        null,
        headers,
      );
      if (!response.ok) throw new ProviderFailure(`${setting.id}: ${path} answered ${response.status}`);
      return response.json();
    };
    const user = (await read('/user')) as { id?: unknown } | null;
    if (typeof user?.id !== 'number' || !Number.isSafeInteger(user.id)) throw new ProviderFailure(`${setting.id}: /user has no id`);
    const emails = await read('/user/emails');
    const primary = Array.isArray(emails)
      ? (emails as GitHubEmail[]).find((entry) => entry?.primary === true && entry.verified === true && typeof entry.email === 'string')
      : undefined;
    return { subject: String(user.id), email: (primary?.email as string | undefined) ?? null, emailVerified: primary !== undefined };
  }

  /** The provider's configuration: discovered once (OpenID Connect) or built from its settings (GitHub). */
  private configuration(setting: IdentityProviderSetting): Promise<oidc.Configuration> {
    const known = this.configurations.get(setting.id);
    if (known) return Promise.resolve(known);
    const pending = this.discoveries.get(setting.id);
    if (pending) return pending;
    const failedAt = this.failedAt.get(setting.id);
    if (failedAt !== undefined && this.clock.now().getTime() - failedAt < DISCOVERY_RETRY_MS)
      return Promise.reject(this.unavailable(setting));
    const discovery = this.discover(setting).then(
      (configuration) => {
        this.configurations.set(setting.id, configuration);
        this.discoveries.delete(setting.id);
        return configuration;
      },
      (error: unknown) => {
        this.discoveries.delete(setting.id);
        this.failedAt.set(setting.id, this.clock.now().getTime());
        this.logger.warn({ event: 'identity_provider.discovery_failed', provider: setting.id, error: (error as Error).message });
        throw this.unavailable(setting);
      },
    );
    this.discoveries.set(setting.id, discovery);
    return discovery;
  }

  private async discover(setting: IdentityProviderSetting): Promise<oidc.Configuration> {
    const metadata: Partial<oidc.ClientMetadata> = { [oidc.clockTolerance]: CLOCK_TOLERANCE_SECONDS };
    const insecure = (setting.issuer ?? setting.tokenUrl ?? '').startsWith('http:');
    if (setting.kind === 'github') {
      const configuration = new oidc.Configuration(
        {
          issuer: new URL(setting.authorizationUrl!).origin,
          authorization_endpoint: setting.authorizationUrl,
          token_endpoint: setting.tokenUrl,
        },
        setting.clientId,
        metadata,
        oidc.ClientSecretPost(setting.clientSecret),
      );
      this.harden(configuration, insecure);
      return configuration;
    }
    // openid-client looks for allowInsecureRequests itself among `execute`, to let discovery use plain http.
    return oidc.discovery(new URL(setting.issuer!), setting.clientId, metadata, clientSecretAuth(setting.clientSecret), {
      execute: [
        ...(insecure ? [oidc.allowInsecureRequests] : []),
        oidc.enableNonRepudiationChecks,
        (configuration) => this.harden(configuration),
      ],
      timeout: PROVIDER_TIMEOUT_SECONDS,
      [oidc.customFetch]: boundedFetch,
    });
  }

  /** The timeout and the bounded body on every request after discovery. */
  private harden(configuration: oidc.Configuration, insecure = false): void {
    configuration.timeout = PROVIDER_TIMEOUT_SECONDS;
    configuration[oidc.customFetch] = boundedFetch;
    // Plain http only for a provider on loopback: the settings allow no other.
    if (insecure) oidc.allowInsecureRequests(configuration);
  }

  private unavailable(setting: IdentityProviderSetting): ServiceUnavailableException {
    return new ServiceUnavailableException(`${setting.name} cannot be reached just now: try again shortly`);
  }
}

/**
 * The client secret as the provider takes it: HTTP Basic, the default of
 * RFC 8414, unless its metadata lists only `client_secret_post`.
 */
function clientSecretAuth(secret: string): oidc.ClientAuth {
  const basic = oidc.ClientSecretBasic(secret);
  const post = oidc.ClientSecretPost(secret);
  return (server, client, body, headers) => {
    const methods = server.token_endpoint_auth_methods_supported;
    const postOnly = Array.isArray(methods) && methods.includes('client_secret_post') && !methods.includes('client_secret_basic');
    return (postOnly ? post : basic)(server, client, body, headers);
  };
}
