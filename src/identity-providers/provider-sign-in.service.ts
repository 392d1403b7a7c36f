import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AccessTokenIssuer,
  AttemptThrottleService,
  type ClaimedFlow,
  DomainError,
  FlowRefusal,
  type FlowPurpose,
  IdentityProviderClients,
  type IssuedAccessToken,
  MfaChallengesService,
  ProviderAccounts,
  ProviderFailure,
  ProviderFlows,
  ScopeRegistry,
  SecurityEventLog,
  VerificationMailer,
} from '../auth/internal';
import type { RequestClient } from '../common/http/request-client.decorator';
import { accountConfig, AccountConfig } from '../config/app.config';
import type { IdentityProviderSetting } from '../config/settings/identity-providers';
import { UnitOfWork } from '../database/unit-of-work';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AuthorizeQuery } from './dto/authorize.query';
import { RedirectTargets } from './redirect-targets';

/** Where a callback sends the browser, and the session to set as cookies on the way (cookie mode). */
export interface CallbackOutcome {
  location: string;
  session?: IssuedAccessToken;
}

/**
 * A sign-in through an external provider, from its start to its session:
 * the same login as a password's (scopes, the per-user cap, the second
 * factor, EMAIL_VERIFICATION, deactivation, events), reached by another door.
 */
@Injectable()
export class ProviderSignInService {
  private readonly logger = new Logger(ProviderSignInService.name);

  constructor(
    private readonly clients: IdentityProviderClients,
    private readonly flows: ProviderFlows,
    private readonly accounts: ProviderAccounts,
    private readonly redirectTargets: RedirectTargets,
    private readonly users: UsersService,
    private readonly issuer: AccessTokenIssuer,
    private readonly mfaChallenges: MfaChallengesService,
    private readonly scopes: ScopeRegistry,
    private readonly throttle: AttemptThrottleService,
    private readonly verificationMailer: VerificationMailer,
    private readonly events: SecurityEventLog,
    private readonly unitOfWork: UnitOfWork,
    @Inject(accountConfig.KEY) private readonly config: AccountConfig,
  ) {}

  /**
   * Starts a flow (or the one a linking URL was made for) and gives the
   * provider's URL to send the browser to; the binding cookie is set on
   * `response`. Nothing is stored when the provider cannot be reached (503).
   */
  async authorize(providerId: string, query: AuthorizeQuery, client: RequestClient, response: Response): Promise<string> {
    const provider = this.clients.provider(providerId);
    const chosen = query.link === undefined ? this.purposeOf(providerId, query) : undefined;
    await this.throttle.countProviderFlow(client.ip);
    await this.clients.ready(provider);
    // A linking URL is spent only once the provider can be reached: a 503 leaves it for another try.
    const purpose = chosen ?? (await this.linkPurpose(providerId, query, client));
    const checks = await this.flows.start(purpose, response);
    return this.clients.authorizationUrl(provider, checks);
  }

  /** A callback's end: where the browser goes, with a fragment, and in cookie mode the session. 400 INVALID_STATE for no live flow of this browser. */
  async callback(providerId: string, request: Request, response: Response, client: RequestClient): Promise<CallbackOutcome> {
    const provider = this.clients.provider(providerId);
    const query = new URLSearchParams(request.originalUrl.split('?')[1] ?? '');
    const states = query.getAll('state');
    if (states.length !== 1) throw new DomainError('INVALID_STATE');
    const flow = await this.flows.claim(providerId, states[0], request, response, client.ip);
    try {
      return await this.finish(provider, flow, query, client);
    } catch (error) {
      const code = refusalCode(error);
      if (code === undefined) throw error;
      return { location: withFragment(flow.redirectTo, { error: code }) };
    }
  }

  /** The token response for a one-time code of token mode; 400 INVALID_GRANT for any code that does not hold. */
  async exchange(code: string, codeVerifier: string, client: RequestClient): Promise<IssuedAccessToken> {
    const redeemed = await this.flows.redeemCode(code, codeVerifier, client.ip);
    const user = await this.users.findById(redeemed.userId);
    // A credential change, demotion or deactivation since the callback ends the sign-in, as it ends sessions.
    if (!user?.isActive || user.credentialVersion !== redeemed.credentialVersion) throw new DomainError('INVALID_GRANT');
    return this.startSession(user, redeemed.provider, client);
  }

  /** `provider` is the flow's: ProviderFlows.claim took it for this provider only. */
  private async finish(
    provider: IdentityProviderSetting,
    flow: ClaimedFlow,
    query: URLSearchParams,
    client: RequestClient,
  ): Promise<CallbackOutcome> {
    if (query.has('error')) {
      this.logger.log({ event: 'identity_provider.refused', provider: provider.id, error: query.get('error')?.slice(0, 64) });
      throw new FlowRefusal(query.get('error') === 'access_denied' ? 'ACCESS_DENIED' : 'PROVIDER_FAILED');
    }
    const identity = await this.clients.identify(provider, query, flow.checks).catch((error: unknown) => {
      if (error instanceof ProviderFailure) {
        // No security event: an answer that failed its checks names no one for sure.
        this.logger.warn({ event: 'identity_provider.answer_refused', provider: provider.id, reason: error.message });
        this.flows.countFailedCallback(client.ip);
      }
      throw error;
    });
    if (flow.linkingUserId !== null) {
      await this.accounts.link(flow.linkingUserId, provider, identity, client);
      return { location: withFragment(flow.redirectTo, { linked: provider.id }) };
    }
    const { user, created } = await this.accounts.accountFor(provider, identity, client);
    return this.signIn(user, created, flow, provider, client);
  }

  private async signIn(user: User, created: boolean, flow: FlowPurpose, provider: IdentityProviderSetting, client: RequestClient) {
    if (!user.isActive) {
      this.events.record('login.failed', user.id, { client }, { provider: provider.id });
      throw new FlowRefusal('INVALID_CREDENTIALS');
    }
    if (this.config.emailVerification === 'required' && user.emailVerifiedAt === null) {
      // A new account's link is on its way already; an older one gets another, within the mail budget.
      if (!created) await this.mailVerification(user).catch(() => undefined);
      throw new FlowRefusal('EMAIL_NOT_VERIFIED');
    }
    if (user.mfaEnabledAt !== null) {
      const challenge = await this.mfaChallenges.start(user.id, user.credentialVersion, {
        transport: flow.mode === 'token' ? 'bearer' : 'cookie',
        requestedScopes: null,
        offlineAccess: false,
        provider: provider.id,
        appCodeChallenge: flow.appCodeChallenge ?? undefined,
      });
      this.logger.log({ event: 'login.mfa_required', userId: user.id, provider: provider.id });
      return {
        location: withFragment(flow.redirectTo, { mfaToken: challenge.mfaToken, expiresIn: String(challenge.expiresInSeconds) }),
      };
    }
    if (flow.mode === 'token') {
      const code = await this.flows.issueCode(flow, user.id, user.credentialVersion);
      return { location: withFragment(flow.redirectTo, { code }) };
    }
    return { location: flow.redirectTo, session: await this.startSession(user, provider.id, client) };
  }

  private async startSession(user: User, providerId: string, client: RequestClient): Promise<IssuedAccessToken> {
    const issued = await this.issuer.issue(user.id, this.scopes.grant(user.role, null), user.credentialVersion, false);
    await this.users.recordLogin(user.id);
    this.events.record('login.succeeded', user.id, { client }, { tokenId: issued.id, provider: providerId });
    return issued;
  }

  private mailVerification(user: User): Promise<void> {
    return this.unitOfWork.run((transaction) => this.verificationMailer.send(user.id, user.email, transaction));
  }

  private purposeOf(providerId: string, { mode = 'cookie', redirectTo, codeChallenge }: AuthorizeQuery): FlowPurpose {
    if ((mode === 'token') !== (codeChallenge !== undefined)) {
      throw DomainError.invalidFields([{ field: 'codeChallenge', message: 'is required with mode=token, and only then' }]);
    }
    return {
      provider: providerId,
      mode,
      redirectTo: this.redirectTargets.resolve(redirectTo),
      appCodeChallenge: codeChallenge ?? null,
      linkingUserId: null,
    };
  }

  private linkPurpose(providerId: string, { link, ...rest }: AuthorizeQuery, client: RequestClient): Promise<FlowPurpose> {
    if (Object.values(rest).some((value) => value !== undefined)) {
      throw DomainError.invalidFields([{ field: 'link', message: 'comes alone: the linking URL was made with its mode and redirectTo' }]);
    }
    return this.flows.redeemLink(providerId, link!, client.ip);
  }
}

/** The `#error=` code of a failure the flow reports to the app; undefined for one it does not (a fault of this service). */
function refusalCode(error: unknown): string | undefined {
  if (error instanceof FlowRefusal) return error.code;
  if (error instanceof ProviderFailure) return 'PROVIDER_FAILED';
  if (error instanceof DomainError && error.code === 'TOO_MANY_REQUESTS') return 'TOO_MANY_REQUESTS';
  return undefined;
}

/** The fragment is the only place a code, an `mfaToken` or an error goes: never the query, so never a log or a Referer. */
function withFragment(url: string, values: Record<string, string>): string {
  return `${url}#${new URLSearchParams(values).toString()}`;
}
