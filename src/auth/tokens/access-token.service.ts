import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import { Transaction, UnitOfWork } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { AuthContext } from '../authenticated-user';
import { AccessTokenCache } from './access-token.cache';
import type { AccessTokenKind } from './access-token.entity';
import { AccessTokensRepository, TokenWithOwner } from './access-tokens.repository';
import { digestAccessToken, generateAccessToken, isWellFormedAccessToken } from './access-token.codec';
import { UnknownTokenAttempts } from '../throttling/unknown-token-attempts';
import { RevocationFeed } from './revocation-feed';
import { TokenRevocationsRepository } from './token-revocations.repository';
import { TokenUsageRecorder } from './token-usage.recorder';
import { joinScopes, splitScopes } from '../scopes/scopes';

const FLOOD_REFUSAL_DELAY_MS = 1000;

/** `last_used_at` is refreshed at most this often per token, never on every request. */
export const LAST_USE_RESOLUTION_MS = 60_000;

/** Tokens last used at or before this instant are idle; null when there is no idle timeout (0). */
export function idleCutoff(now: Date, idleSeconds: number): Date | null {
  return idleSeconds > 0 ? new Date(now.getTime() - idleSeconds * 1000) : null;
}

export interface IssuedAccessToken {
  id: number;
  token: string;
  expiresInSeconds: number;
  scopes: string[];
}

export interface AccessTokenSummary {
  id: number;
  kind: AccessTokenKind;
  name: string | null;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  current: boolean;
}

@Injectable()
export class AccessTokenService {
  private readonly logger = new Logger(AccessTokenService.name);
  private readonly lookupsInFlight = new Map<string, Promise<TokenWithOwner | null>>();

  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly usage: TokenUsageRecorder,
    private readonly cache: AccessTokenCache,
    private readonly feed: RevocationFeed,
    private readonly revocations: TokenRevocationsRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly unknownTokens: UnknownTokenAttempts,
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /**
   * A session token of the user, with these scopes (the caller decided them:
   * ScopeRegistry.grant), for a login that checked its secret when the
   * user's security stamp was `credentialVersion`.
   */
  async issue(userId: number, scopes: string[], credentialVersion: number): Promise<IssuedAccessToken> {
    const now = this.clock.now();
    const token = generateAccessToken();
    const tokenHash = digestAccessToken(token);
    this.cache.forgetMiss(tokenHash);
    const id = await this.repository.insert({
      userId,
      tokenHash,
      scopes: joinScopes(scopes),
      kind: 'session',
      name: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.accessTokenTtlSeconds * 1000),
    });
    // The account was deleted between the password check and now: as if it never existed.
    if (id === null) throw new DomainError('INVALID_CREDENTIALS');
    await this.assertCredentialsUnchanged(userId, id, credentialVersion, now);
    const evicted = await this.repository.surplusSessions(userId, this.config.maxTokensPerUser, now, id);
    if (evicted.length > 0) {
      await this.unitOfWork.run(async (transaction) => {
        await this.repository.deleteByIds(evicted, transaction);
        await this.revocations.insert(userId, evicted, now, transaction);
      });
      this.cache.forgetTokens(evicted);
    }
    return { id, token, expiresInSeconds: this.config.accessTokenTtlSeconds, scopes: splitScopes(joinScopes(scopes)) };
  }

  /**
   * A change of credentials (password, MFA, deactivation, demotion...) that
   * committed while the login checked its secret ended every token of the
   * user but not this one, stored after it. Every such change moves the
   * user's stamp in its transaction, so the stamp read now, after the insert
   * and with a shared lock (a change still open is waited for), tells: moved
   * since the login read it, or the user gone or inactive, and the token is
   * taken back. A change that commits after this read finds the token stored,
   * and ends it itself.
   */
  private async assertCredentialsUnchanged(userId: number, tokenId: number, credentialVersion: number, now: Date): Promise<void> {
    const standing = await this.users.findCredentialStanding(userId);
    if (standing?.isActive && standing.credentialVersion === credentialVersion) return;
    this.logger.log({ event: 'login.raced_credential_change', userId, tokenId });
    await this.unitOfWork.run(async (transaction) => {
      await this.repository.deleteByIds([tokenId], transaction);
      await this.revocations.insert(userId, [tokenId], now, transaction);
    });
    throw new DomainError('INVALID_CREDENTIALS');
  }

  /**
   * Resolves a presented token to its user, or throws INVALID_TOKEN. Malformed
   * text costs no query; a token checked in the last TOKEN_CACHE_TTL_MS costs
   * none either, nor one that matched nothing in the last 10 s. A client whose
   * tokens missed INVALID_TOKENS_PER_CLIENT times in a minute gets 429 for the
   * tokens the cache does not know, before any query.
   */
  async authenticate(token: string, clientAddress: string): Promise<AuthContext> {
    if (!isWellFormedAccessToken(token)) throw new DomainError('INVALID_TOKEN');
    const found = await this.lookUp(digestAccessToken(token), clientAddress);
    if (!found || !found.isActive) throw new DomainError('INVALID_TOKEN');

    const now = this.clock.now();
    const lastUsedAt = this.latest(found.lastUsedAt, this.usage.pendingUse(found.tokenId));
    if (now >= found.expiresAt || (found.kind === 'session' && this.isIdle(lastUsedAt, now))) throw new DomainError('INVALID_TOKEN');
    if (now.getTime() - lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS) {
      this.usage.record(found.tokenId, now);
      // The cached copy learns of the use too, or it would be recorded again at every request once written.
      found.lastUsedAt = now;
    }
    return {
      tokenId: found.tokenId,
      tokenKind: found.kind,
      scopes: splitScopes(found.scopes),
      user: {
        id: found.userId,
        email: found.email,
        role: found.role,
        emailVerifiedAt: found.emailVerifiedAt,
        pendingEmail: found.pendingEmail,
        mfaEnabledAt: found.mfaEnabledAt,
        createdAt: found.userCreatedAt,
      },
    };
  }

  private async lookUp(digest: Buffer, clientAddress: string): Promise<TokenWithOwner | null> {
    // Before the query: the row read is at least as recent as this.
    const now = this.clock.now().getTime();
    const cached = this.cache.get(digest);
    if (cached && this.feed.trusts(cached.cachedAt, now)) return cached.found;
    // A known miss costs nothing: a client repeating a revoked token gets its 401, not a 429.
    if (this.cache.isKnownMiss(digest)) return null;
    await this.refuseFloodsSlowly(clientAddress);
    const found = await this.queryOnce(digest);
    if (found) {
      this.cache.set(digest, found, now);
      return found;
    }
    this.cache.rememberMiss(digest);
    this.unknownTokens.failed(clientAddress);
    return null;
  }

  /**
   * A client past INVALID_TOKENS_PER_CLIENT gets its 429 a second late: a
   * flood's connections then send one request a second each, instead of as
   * many as the service can refuse. Measured (`npm run bench`, 50 flooding
   * connections), refusing at once left the flood 5,500 requests a second of
   * the event loop, and real users' read p99 18 times its idle value.
   */
  private async refuseFloodsSlowly(clientAddress: string): Promise<void> {
    try {
      this.unknownTokens.assertAllowed(clientAddress);
    } catch (refusal) {
      await sleep(FLOOD_REFUSAL_DELAY_MS);
      throw refusal;
    }
  }

  /**
   * One query per digest at a time: requests that present a token while its
   * lookup is in flight (a page's parallel calls, a flood of one token) share it.
   */
  private queryOnce(digest: Buffer): Promise<TokenWithOwner | null> {
    const key = digest.toString('base64');
    let lookup = this.lookupsInFlight.get(key);
    if (!lookup) {
      lookup = this.repository.findWithOwnerByDigest(digest).finally(() => this.lookupsInFlight.delete(key));
      this.lookupsInFlight.set(key, lookup);
    }
    return lookup;
  }

  async list(userId: number, currentTokenId: number): Promise<AccessTokenSummary[]> {
    const now = this.clock.now();
    const tokens = await this.repository.findLiveByUser(userId, now, this.idleCutoff(now));
    return tokens.map((token) => ({
      id: token.id,
      kind: token.kind,
      name: token.name,
      scopes: splitScopes(token.scopes),
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      lastUsedAt: this.latest(token.lastUsedAt, this.usage.pendingUse(token.id)),
      current: token.id === currentTokenId,
    }));
  }

  /** Revokes one of the user's tokens (a logout): false when it was not there (any more). */
  async revoke(userId: number, tokenId: number): Promise<boolean> {
    const deleted = await this.unitOfWork.run(async (transaction) => {
      if (!(await this.repository.deleteByIdAndUser(tokenId, userId, transaction))) return false;
      await this.revocations.insert(userId, [tokenId], this.clock.now(), transaction);
      return true;
    });
    this.cache.forgetTokens([tokenId]);
    return deleted;
  }

  /** Revokes one of the user's tokens by id; another user's is "not found", never "forbidden". */
  async revokeOwned(userId: number, tokenId: number): Promise<void> {
    if (!(await this.revoke(userId, tokenId))) throw new DomainError('NOT_FOUND', 'No such token');
    this.logger.log({ event: 'token.revoked', userId, tokenId });
  }

  /**
   * Writes, in the change's transaction, that the user's details changed or
   * their tokens were revoked: every instance's cache drops their entries.
   */
  async ownerChanged(userId: number, transaction: Transaction): Promise<void> {
    await this.revocations.insert(userId, null, this.clock.now(), transaction);
  }

  /**
   * This instance's cached copies of the user's sessions (but
   * `exceptTokenId`'s), dropped at once after the change's commit (the other
   * instances read it from the log). After, not before: a request in between
   * could cache a token still in the database again.
   */
  forgetOwner(userId: number, exceptTokenId?: number): void {
    this.cache.forgetUser(userId, exceptTokenId);
  }

  /**
   * In the transaction of a change a signed-in user makes to their own
   * credentials, after the user's row is locked: 401 INVALID_TOKEN when the
   * session that asked was ended meanwhile (a reset or a change that
   * committed while this request was past its checks). Without it, a change
   * in flight from a stolen session would land after the owner's reset and
   * undo it.
   */
  async assertSessionLive(tokenId: number, transaction: Transaction): Promise<void> {
    if (!(await this.repository.existsInTransaction(tokenId, transaction))) throw new DomainError('INVALID_TOKEN');
  }

  /**
   * The rule of every change of the user's credentials, in its transaction:
   * the security stamp moves on (logins still in flight take their token
   * back) and every token of the user but `keepTokenId` (all when null) ends.
   * forgetOwner follows the commit.
   */
  async endForCredentialChange(userId: number, keepTokenId: number | null, transaction: Transaction): Promise<number> {
    await this.users.bumpCredentialVersion(userId, transaction);
    return this.revokeAllInTransaction(userId, keepTokenId, transaction);
  }

  /** Deletes every token of the user but `keepTokenId` (all when null) in the caller's transaction; forgetOwner follows the commit. */
  async revokeAllInTransaction(userId: number, keepTokenId: number | null, transaction: Transaction): Promise<number> {
    const revoked = await this.repository.deleteAllByUserExcept(userId, keepTokenId, transaction);
    await this.ownerChanged(userId, transaction);
    this.logger.log({ event: 'token.revoked_all_others', userId, keptTokenId: keepTokenId, revoked });
    return revoked;
  }

  async revokeAllExcept(userId: number, keepTokenId: number): Promise<number> {
    const revoked = await this.unitOfWork.run((transaction) => this.revokeAllInTransaction(userId, keepTokenId, transaction));
    this.cache.forgetUser(userId, keepTokenId);
    return revoked;
  }

  private isIdle(lastUsedAt: Date, now: Date): boolean {
    const cutoff = this.idleCutoff(now);
    return cutoff !== null && lastUsedAt <= cutoff;
  }

  private idleCutoff(now: Date): Date | null {
    return idleCutoff(now, this.config.accessTokenIdleTtlSeconds);
  }

  private latest(stored: Date, pending: Date | undefined): Date {
    return pending && pending > stored ? pending : stored;
  }
}
