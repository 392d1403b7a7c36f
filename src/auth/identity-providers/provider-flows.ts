import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import * as oidc from 'openid-client';
import { prefixedSecretCodec } from '../../common/crypto/prefixed-secret.codec';
import { verifiesChallenge } from '../../common/crypto/pkce';
import { DomainError } from '../../common/errors/domain-error';
import { cookieValues } from '../../common/http/raw-headers';
import { Clock } from '../../common/time/clock';
import { sessionConfig, SessionConfig } from '../../config/app.config';
import { BearerSecretAttempts } from '../throttling/bearer-secret-attempts';
import type { FlowChecks } from './identity-provider-clients';
import { ProviderFlow, ProviderFlowMode } from './provider-flow.entity';
import { ProviderFlowsRepository } from './provider-flows.repository';

/** How long a flow may take from its start (or its linking URL) to the callback. */
export const PROVIDER_FLOW_TTL_SECONDS = 600;
/** How long the app has to exchange its one-time code (token mode). */
export const EXCHANGE_CODE_TTL_SECONDS = 60;

const states = prefixedSecretCodec('ids_');
const bindings = prefixedSecretCodec('idb_');
const exchangeCodes = prefixedSecretCodec('idc_');
const linkSecrets = prefixedSecretCodec('idl_');

/** What a flow is for: set at its start, read back at its callback. */
export interface FlowPurpose {
  provider: string;
  mode: ProviderFlowMode;
  redirectTo: string;
  /** Token mode: the S256 challenge of the app's own verifier. */
  appCodeChallenge: string | null;
  /** A linking flow: the account that receives the identity. */
  linkingUserId: number | null;
}

/** A flow at its callback: what it is for, and what the provider's answer must match. */
export interface ClaimedFlow extends FlowPurpose {
  checks: FlowChecks;
}

/** A one-time code, exchanged: the account it signed in, under the security stamp of that sign-in. */
export interface RedeemedCode {
  userId: number;
  credentialVersion: number;
  provider: string;
}

/**
 * The flows of sign-ins through external providers, kept server-side by the
 * digest of each stage's secret (any instance finishes them), single use and
 * short-lived. A flow is bound to the browser that started it by a cookie of
 * its own (HttpOnly, named after its `state`): a callback without that
 * cookie, or with another flow's, finds nothing, and two flows of one
 * browser (two tabs) each keep theirs.
 */
@Injectable()
export class ProviderFlows {
  private readonly cookiePrefix: string;

  constructor(
    private readonly flows: ProviderFlowsRepository,
    private readonly unknownSecrets: BearerSecretAttempts,
    private readonly clock: Clock,
    @Inject(sessionConfig.KEY) private readonly config: SessionConfig,
  ) {
    this.cookiePrefix = config.secureCookies ? '__Host-' : '';
  }

  /** A linking URL's secret: a browser that opens the URL within 10 minutes starts a flow linking an identity to `userId`. */
  async offerLink(userId: number, provider: string, redirectTo: string): Promise<string> {
    const secret = linkSecrets.generate();
    await this.insert(secret, 'link', { provider, mode: 'cookie', redirectTo, appCodeChallenge: null, linkingUserId: userId }, {});
    return secret;
  }

  /** The purpose a linking URL's secret was made for, once; 400 INVALID_LINK for one unknown, expired or used. */
  async redeemLink(provider: string, secret: string, clientAddress: string): Promise<FlowPurpose> {
    const flow = await this.takeLive(linkSecrets.isWellFormed(secret) ? linkSecrets.digest(secret) : null, 'link', clientAddress);
    if (!flow || flow.provider !== provider) throw new DomainError('INVALID_LINK');
    return purposeOf(flow);
  }

  /** Starts a flow: its checks for the provider, and the cookie that binds it to this browser, set on `response`. */
  async start(purpose: FlowPurpose, response: Response): Promise<FlowChecks> {
    const checks: FlowChecks = { state: states.generate(), codeVerifier: oidc.randomPKCECodeVerifier(), nonce: oidc.randomNonce() };
    const binding = bindings.generate();
    await this.insert(checks.state, 'authorize', purpose, {
      bindingHash: bindings.digest(binding),
      codeVerifier: checks.codeVerifier,
      nonce: checks.nonce,
    });
    response.cookie(this.bindingCookieName(states.digest(checks.state)), binding, {
      ...this.cookieAttributes(),
      maxAge: PROVIDER_FLOW_TTL_SECONDS * 1000,
    });
    return checks;
  }

  /**
   * The live flow of this `state` for this browser, taken (it finishes
   * once); its binding cookie is cleared. 400 INVALID_STATE for a state
   * unknown, expired or used, or without this flow's binding cookie.
   */
  async claim(provider: string, state: string, request: Request, response: Response, clientAddress: string): Promise<ClaimedFlow> {
    const stateHash = states.isWellFormed(state) ? states.digest(state) : null;
    const cookieName = stateHash === null ? null : this.bindingCookieName(stateHash);
    const presented = cookieName === null ? [] : cookieValues(request, cookieName);
    if (cookieName !== null) response.clearCookie(cookieName, this.cookieAttributes());
    this.unknownSecrets.assertAllowed(clientAddress);
    const flow = await this.findLive(stateHash, 'authorize');
    const bound =
      flow !== null &&
      flow.bindingHash !== null &&
      presented.length === 1 &&
      bindings.isWellFormed(presented[0]) &&
      bindings.digest(presented[0]).equals(flow.bindingHash);
    if (!flow || !bound || flow.provider !== provider || !(await this.flows.take(flow.id))) {
      this.unknownSecrets.failed(clientAddress);
      throw new DomainError('INVALID_STATE');
    }
    return { ...purposeOf(flow), checks: { state, codeVerifier: flow.codeVerifier ?? '', nonce: flow.nonce ?? '' } };
  }

  /** A one-time code for the app of a token-mode flow: it lives 60 seconds and needs the app's verifier. */
  async issueCode(flow: FlowPurpose, userId: number, credentialVersion: number): Promise<string> {
    const code = exchangeCodes.generate();
    await this.insert(code, 'exchange', { ...flow, linkingUserId: null }, { userId, credentialVersion }, EXCHANGE_CODE_TTL_SECONDS);
    return code;
  }

  /** The sign-in of a one-time code, once; 400 INVALID_GRANT for a code unknown, expired, used, or with another verifier. */
  async redeemCode(code: string, codeVerifier: string, clientAddress: string): Promise<RedeemedCode> {
    const flow = await this.takeLive(exchangeCodes.isWellFormed(code) ? exchangeCodes.digest(code) : null, 'exchange', clientAddress);
    const verified = flow?.appCodeChallenge != null && verifiesChallenge(codeVerifier, flow.appCodeChallenge);
    if (!flow || !verified || flow.userId === null || flow.credentialVersion === null) {
      if (flow) this.unknownSecrets.failed(clientAddress);
      throw new DomainError('INVALID_GRANT', 'The code is invalid, expired or already used, or the codeVerifier does not match it');
    }
    return { userId: flow.userId, credentialVersion: flow.credentialVersion, provider: flow.provider };
  }

  /** A callback whose provider answer failed counts against the client as a failed login would. */
  countFailedCallback(clientAddress: string): void {
    this.unknownSecrets.failed(clientAddress);
  }

  /** The live flow of this digest at this stage, taken: a second use of its secret finds nothing. */
  private async takeLive(secretHash: Buffer | null, stage: ProviderFlow['stage'], clientAddress: string): Promise<ProviderFlow | null> {
    this.unknownSecrets.assertAllowed(clientAddress);
    const flow = await this.findLive(secretHash, stage);
    if (flow && (await this.flows.take(flow.id))) return flow;
    this.unknownSecrets.failed(clientAddress);
    return null;
  }

  private findLive(secretHash: Buffer | null, stage: ProviderFlow['stage']): Promise<ProviderFlow | null> {
    return secretHash === null ? Promise.resolve(null) : this.flows.findLive(secretHash, stage, this.clock.now());
  }

  private async insert(
    secret: string,
    stage: ProviderFlow['stage'],
    purpose: FlowPurpose,
    extra: Partial<Pick<ProviderFlow, 'bindingHash' | 'codeVerifier' | 'nonce' | 'userId' | 'credentialVersion'>>,
    ttlSeconds = PROVIDER_FLOW_TTL_SECONDS,
  ): Promise<void> {
    const now = this.clock.now();
    await this.flows.insert({
      secretHash: states.digest(secret),
      stage,
      provider: purpose.provider,
      mode: purpose.mode,
      redirectTo: purpose.redirectTo,
      appCodeChallenge: purpose.appCodeChallenge,
      linking: purpose.linkingUserId !== null,
      userId: purpose.linkingUserId,
      bindingHash: null,
      codeVerifier: null,
      nonce: null,
      credentialVersion: null,
      ...extra,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    });
  }

  /** Named after the digest of the flow's `state`, so that each flow of a browser has a cookie of its own. */
  private bindingCookieName(stateHash: Buffer): string {
    return `${this.cookiePrefix}provider-flow-${stateHash.subarray(0, 8).toString('hex')}`;
  }

  /** SameSite=Lax: the provider's redirect back is a top-level navigation, which Lax lets the cookie ride. */
  private cookieAttributes(): CookieOptions {
    return { httpOnly: true, secure: this.config.secureCookies, sameSite: 'lax', path: '/', encode: String };
  }
}

function purposeOf(flow: ProviderFlow): FlowPurpose {
  return {
    provider: flow.provider,
    mode: flow.mode,
    redirectTo: flow.redirectTo,
    appCodeChallenge: flow.appCodeChallenge,
    linkingUserId: flow.linking ? flow.userId : null,
  };
}
