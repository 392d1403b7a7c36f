import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../../test/support/default-settings';
import { FakeClock } from '../../../test/support/fake-clock';
import { AuthConfig } from '../../config/app.config';
import { EntityManager } from 'typeorm';
import { ReadReplicas } from '../../database/replicas/read-replicas';
import { AccessTokenCache } from './access-token.cache';
import { RecentRevocations } from './recent-revocations';
import * as codecModule from './access-token.codec';
import { digestAccessToken, generateAccessToken } from './access-token.codec';
import { AccessToken } from './access-token.entity';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenRevoker } from './access-token.revoker';
import { AccessTokensRepository, NewAccessToken, TokenWithOwner } from './access-tokens.repository';
import { UnknownTokenAttempts } from '../throttling/unknown-token-attempts';
import { BearerSecretAttempts } from '../throttling/bearer-secret-attempts';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RevocationFeed } from './revocation-feed';
import { TokenRevocationsRepository } from './token-revocations.repository';
import { TokenUsageRecorder } from './token-usage.recorder';
import { Transaction, UnitOfWork } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';

const CLIENT = '203.0.113.7';

// The generator as it is, unless a test names the next token (a token issued after its digest missed).
jest.mock('./access-token.codec', () => {
  const actual = jest.requireActual<typeof import('./access-token.codec')>('./access-token.codec');
  return { ...actual, generateAccessToken: jest.fn(actual.generateAccessToken) };
});
const codec = jest.mocked(codecModule);

/** An in-memory stand-in for the repository: enough behaviour for the service's logic. */
class InMemoryAccessTokens {
  rows: AccessToken[] = [];
  owner = { email: 'ada@example.com', isActive: true, credentialVersion: 0, createdAt: new Date('2025-01-01T00:00:00Z') };
  lookups = 0;
  trims: Array<{ userId: number; keep: number }> = [];

  insert(token: NewAccessToken): Promise<number> {
    const id = this.rows.length + 1;
    this.rows.push({ id, refreshableUntil: null, ...token, signedInAt: token.signedInAt ?? null, lastUsedAt: token.createdAt });
    return Promise.resolve(id);
  }

  findWithOwnerByDigest(tokenHash: Buffer): Promise<TokenWithOwner | null> {
    this.lookups++;
    const row = this.rows.find((candidate) => candidate.tokenHash.equals(tokenHash));
    if (!row) return Promise.resolve(null);
    return Promise.resolve({
      tokenId: row.id,
      issuedAt: row.createdAt,
      signedInAt: row.signedInAt,
      expiresAt: row.expiresAt,
      lastUsedAt: row.lastUsedAt,
      scopes: row.scopes,
      kind: row.kind,
      userId: row.userId,
      email: this.owner.email,
      role: 'user',
      isActive: this.owner.isActive,
      emailVerifiedAt: null,
      pendingEmail: null,
      mfaEnabledAt: null,
      userCreatedAt: this.owner.createdAt,
    });
  }

  surplusSessions(userId: number, keep: number): Promise<number[]> {
    this.trims.push({ userId, keep });
    return Promise.resolve(
      this.rows
        .filter((row) => row.userId === userId)
        .slice(0, -keep)
        .map((row) => row.id),
    );
  }

  deleteByIds(ids: readonly number[]): Promise<void> {
    this.rows = this.rows.filter((row) => !ids.includes(row.id));
    return Promise.resolve();
  }

  recordLastUses(uses: ReadonlyMap<number, Date>): Promise<void> {
    for (const [id, usedAt] of uses) {
      const row = this.rows.find((candidate) => candidate.id === id);
      if (row && row.lastUsedAt < usedAt) row.lastUsedAt = usedAt;
    }
    return Promise.resolve();
  }

  deleteAllByUserExcept(userId: number, keepId: number | null): Promise<number> {
    const before = this.rows.length;
    this.rows = this.rows.filter((row) => row.userId !== userId || row.id === keepId);
    return Promise.resolve(before - this.rows.length);
  }

  deleteByIdAndUser(id: number, userId: number): Promise<boolean> {
    const before = this.rows.length;
    this.rows = this.rows.filter((row) => !(row.id === id && row.userId === userId));
    return Promise.resolve(this.rows.length < before);
  }
}

/** The three jobs on one store and one cache, as the module wires them. */
type AccessTokens = Pick<AccessTokenIssuer, 'issue'> &
  Pick<AccessTokenAuthenticator, 'authenticate' | 'list'> &
  Pick<AccessTokenRevoker, 'revoke' | 'revokeOwned' | 'revokeAllExcept' | 'forgetOwner'>;

describe('Access tokens: AccessTokenIssuer, AccessTokenAuthenticator and AccessTokenRevoker together', () => {
  const config = (overrides: Partial<AuthConfig> = {}): AuthConfig => ({
    ...defaultSettings.auth,
    accessTokenTtlSeconds: 5,
    accessTokenIdleTtlSeconds: 0,
    maxTokensPerUser: 3,
    tokenCacheTtlMs: 0,
    tokenCacheMaxEntries: 100,
    ...overrides,
  });
  let repository: InMemoryAccessTokens;
  let recorder: TokenUsageRecorder;
  let clock: FakeClock;
  let revocations: ReturnType<typeof mock<TokenRevocationsRepository>>;
  let unknownTokens: UnknownTokenAttempts;

  const serviceWith = (overrides: Partial<AuthConfig> = {}) => {
    repository = new InMemoryAccessTokens();
    const asRepository = mock<AccessTokensRepository>();
    asRepository.insert.mockImplementation((token) => repository.insert(token));
    asRepository.findWithOwnerByDigest.mockImplementation((digest) => repository.findWithOwnerByDigest(digest));
    asRepository.surplusSessions.mockImplementation((userId, keep) => repository.surplusSessions(userId, keep));
    asRepository.deleteByIds.mockImplementation((ids) => repository.deleteByIds(ids));
    asRepository.recordLastUses.mockImplementation((uses) => repository.recordLastUses(uses));
    asRepository.deleteAllByUserExcept.mockImplementation((userId, keepId) => repository.deleteAllByUserExcept(userId, keepId));
    asRepository.deleteByIdAndUser.mockImplementation((id, userId) => repository.deleteByIdAndUser(id, userId));
    recorder = new TokenUsageRecorder(asRepository);
    clock = new FakeClock();
    const settings = config(overrides);
    const recentRevocations = new RecentRevocations(clock, defaultSettings.database);
    const cache = new AccessTokenCache(clock, recentRevocations, settings);
    revocations = mock<TokenRevocationsRepository>();
    // The feed never reads here: the cache trusts an entry for its first 5 s only, as while the log cannot be read.
    const feed = new RevocationFeed(revocations, cache, clock, settings, defaultSettings.database);
    // No replica: every read runs on the primary (the fake repository).
    const replicas = mock<ReadReplicas>();
    replicas.mayLag.mockImplementation(async (read) => ({ result: await read(mock<EntityManager>()), fromReplica: false }));
    const unitOfWork = mock<UnitOfWork>();
    unitOfWork.run.mockImplementation((work) => work(mock<Transaction>()));
    unknownTokens = new UnknownTokenAttempts(clock, { ...defaultSettings.throttling, invalidTokensPerClient: 3 });
    const users = mock<UsersService>();
    users.findCredentialStanding.mockImplementation(() =>
      Promise.resolve({ credentialVersion: repository.owner.credentialVersion, isActive: repository.owner.isActive }),
    );
    const revoker = new AccessTokenRevoker(
      asRepository,
      mock<RefreshTokensRepository>(),
      cache,
      revocations,
      unitOfWork,
      users,
      mock<BearerSecretAttempts>(),
      clock,
    );
    const issuer = new AccessTokenIssuer(
      asRepository,
      cache,
      revoker,
      users,
      clock,
      mock<RefreshTokensRepository>(),
      settings,
      defaultSettings.oauth,
    );
    const authenticator = new AccessTokenAuthenticator(
      asRepository,
      recorder,
      cache,
      feed,
      replicas,
      recentRevocations,
      unknownTokens,
      clock,
      settings,
    );
    const tokens: AccessTokens = {
      issue: issuer.issue.bind(issuer),
      authenticate: authenticator.authenticate.bind(authenticator),
      list: authenticator.list.bind(authenticator),
      revoke: revoker.revoke.bind(revoker),
      revokeOwned: revoker.revokeOwned.bind(revoker),
      revokeAllExcept: revoker.revokeAllExcept.bind(revoker),
      forgetOwner: revoker.forgetOwner.bind(revoker),
    };
    return tokens;
  };

  it('issues a token whose digest, never the text, is stored, with expiry from the clock', async () => {
    const service = serviceWith();

    const issued = await service.issue(7, ['account'], 0);

    expect(issued.expiresInSeconds).toBe(5);
    expect(repository.rows).toHaveLength(1);
    expect(repository.rows[0].tokenHash.equals(digestAccessToken(issued.token))).toBe(true);
    expect(repository.rows[0].expiresAt.getTime() - repository.rows[0].createdAt.getTime()).toBe(5000);
    expect(JSON.stringify(repository.rows)).not.toContain(issued.token);
  });

  it('takes back a token whose user changed credentials, or was deactivated, while the login checked its secret', async () => {
    const service = serviceWith();
    await expect(service.issue(7, ['account'], 0)).resolves.toMatchObject({ scopes: ['account'] });

    // A password change (or demotion, MFA change...) committed after the login read the stamp, before its token was stored.
    repository.owner.credentialVersion = 1;
    await expect(service.issue(7, ['account'], 0)).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);
    repository.owner.isActive = false;
    await expect(service.issue(7, ['account'], 1)).rejects.toBeDomainError('INVALID_CREDENTIALS', 401);

    expect(repository.rows).toHaveLength(1);
    expect(revocations.insert).toHaveBeenCalledTimes(2);
  });

  it('trims the user to the configured cap after every issue', async () => {
    const service = serviceWith({ maxTokensPerUser: 3 });
    await service.issue(7, ['account'], 0);
    expect(repository.trims).toEqual([{ userId: 7, keep: 3 }]);
  });

  it('accepts a 5 s token at 4 s and refuses it at 5 s and after', async () => {
    const service = serviceWith();
    const { token } = await service.issue(7, ['account'], 0);

    clock.advance(4000);
    await expect(service.authenticate(token, CLIENT)).resolves.toMatchObject({ user: { id: 7, email: 'ada@example.com' } });
    clock.advance(1000);
    await expect(service.authenticate(token, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    clock.advance(1000);
    await expect(service.authenticate(token, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
  });

  it('refuses a malformed token without a lookup', async () => {
    const service = serviceWith();
    await expect(service.authenticate('nat_not-a-token', CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    expect(repository.lookups).toBe(0);
  });

  it('refuses an unknown well-formed token after one lookup', async () => {
    const service = serviceWith();
    await expect(service.authenticate(generateAccessToken(), CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    expect(repository.lookups).toBe(1);
  });

  it('refuses the token of a deactivated user', async () => {
    const service = serviceWith();
    const { token } = await service.issue(7, ['account'], 0);
    repository.owner.isActive = false;
    await expect(service.authenticate(token, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
  });

  it('notes a use at most once a minute', async () => {
    const service = serviceWith({ accessTokenTtlSeconds: 3600 });
    const record = jest.spyOn(recorder, 'record');
    const { token, id } = await service.issue(7, ['account'], 0);

    clock.advance(59_000);
    await service.authenticate(token, CLIENT);
    expect(record).not.toHaveBeenCalled();

    clock.advance(1_000);
    await service.authenticate(token, CLIENT);
    await service.authenticate(token, CLIENT);
    expect(record).toHaveBeenCalledTimes(1);
    expect(record).toHaveBeenCalledWith(id, clock.now());

    await recorder.flush();
    expect(repository.rows[0].lastUsedAt).toEqual(clock.now());
  });

  it('ends a token left unused for the idle timeout, counting uses not yet written', async () => {
    const service = serviceWith({ accessTokenTtlSeconds: 3600, accessTokenIdleTtlSeconds: 600 });
    const { token } = await service.issue(7, ['account'], 0);

    clock.advance(590_000);
    await service.authenticate(token, CLIENT);
    clock.advance(590_000);
    await expect(service.authenticate(token, CLIENT)).resolves.toBeDefined();
    clock.advance(600_000);
    await expect(service.authenticate(token, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
  });

  it('answers NOT_FOUND when revoking a token the user does not own', async () => {
    const service = serviceWith();
    const { id } = await service.issue(7, ['account'], 0);

    await expect(service.revokeOwned(8, id)).rejects.toBeDomainError('NOT_FOUND', 404);
    await expect(service.revokeOwned(7, id)).resolves.toBeUndefined();
  });

  describe('with the token cache on', () => {
    const cached = (overrides: Partial<AuthConfig> = {}) =>
      serviceWith({ accessTokenTtlSeconds: 3600, tokenCacheTtlMs: 5000, ...overrides });

    it('answers a token checked within the TTL without a lookup, and looks it up again once stale', async () => {
      const service = cached();
      const { token } = await service.issue(7, ['account'], 0);
      await service.authenticate(token, CLIENT);
      await service.authenticate(token, CLIENT);
      expect(repository.lookups).toBe(1);

      // lru-cache: stale once older than the TTL.
      clock.advance(5000 + 1);
      await service.authenticate(token, CLIENT);
      expect(repository.lookups).toBe(2);
    });

    it('remembers a token that matched nothing for 10 s: one query, not one per request', async () => {
      const service = cached();
      const unknown = generateAccessToken();
      await expect(service.authenticate(unknown, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
      await expect(service.authenticate(unknown, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
      expect(repository.lookups).toBe(1);
      clock.advance(10_001);
      await expect(service.authenticate(unknown, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
      expect(repository.lookups).toBe(2);
    });

    it('shares one query among the requests that present a token while its lookup is in flight', async () => {
      const service = cached();
      const { token } = await service.issue(7, ['account'], 0);
      const unknown = generateAccessToken();

      await Promise.all([service.authenticate(token, CLIENT), service.authenticate(token, CLIENT)]);
      await Promise.all([0, 1, 2].map(() => expect(service.authenticate(unknown, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401)));

      expect(repository.lookups).toBe(2);
    });

    it('never answers from a miss for a token issued after it', async () => {
      const service = cached();
      const token = generateAccessToken();
      await expect(service.authenticate(token, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
      codec.generateAccessToken.mockReturnValueOnce(token);

      const issued = await service.issue(7, ['account'], 0);

      expect(issued.token).toBe(token);
      await expect(service.authenticate(token, CLIENT)).resolves.toMatchObject({ tokenId: issued.id });
    });

    it('refuses a client past INVALID_TOKENS_PER_CLIENT unknown tokens a minute with 429 and no query, but not its cached tokens', async () => {
      const service = cached();
      const { token } = await service.issue(7, ['account'], 0);
      await service.authenticate(token, CLIENT);
      for (let i = 0; i < 3; i++)
        await expect(service.authenticate(generateAccessToken(), CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
      const lookups = repository.lookups;

      await expect(service.authenticate(generateAccessToken(), CLIENT)).rejects.toBeDomainError('TOO_MANY_REQUESTS', 429);

      expect(repository.lookups).toBe(lookups);
      await expect(service.authenticate(token, CLIENT)).resolves.toBeDefined();
      await expect(service.authenticate(generateAccessToken(), '198.51.100.9')).rejects.toBeDomainError('INVALID_TOKEN', 401);
      clock.advance(60_001);
      await expect(service.authenticate(generateAccessToken(), CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    });

    it.each([
      ['a logout', (service: AccessTokens, id: number) => service.revoke(7, id)],
      ['a revocation by id', (service: AccessTokens, id: number) => service.revokeOwned(7, id)],
      ['revoking the other sessions (a password change)', (service: AccessTokens) => service.revokeAllExcept(7, 999)],
    ])('forgets a token at once after %s', async (_case, revoke) => {
      const service = cached();
      const { token, id } = await service.issue(7, ['account'], 0);
      await service.authenticate(token, CLIENT);

      await revoke(service, id);

      await expect(service.authenticate(token, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    });

    it('forgets the tokens evicted by the per-user cap', async () => {
      const service = cached({ maxTokensPerUser: 1 });
      const first = await service.issue(7, ['account'], 0);
      await service.authenticate(first.token, CLIENT);
      await service.issue(7, ['account'], 0);
      await expect(service.authenticate(first.token, CLIENT)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    });

    it("shows a user's new details at once after forgetOwner", async () => {
      const service = cached();
      const { token } = await service.issue(7, ['account'], 0);
      await service.authenticate(token, CLIENT);
      repository.owner.email = 'ada.lovelace@example.com';

      service.forgetOwner(7);

      await expect(service.authenticate(token, CLIENT)).resolves.toMatchObject({ user: { email: 'ada.lovelace@example.com' } });
    });

    it('holds at most TOKEN_CACHE_MAX_ENTRIES tokens, dropping the least recently used', async () => {
      const service = cached({ tokenCacheMaxEntries: 2 });
      const [a, b, c] = [
        await service.issue(1, ['account'], 0),
        await service.issue(2, ['account'], 0),
        await service.issue(3, ['account'], 0),
      ];
      await service.authenticate(a.token, CLIENT);
      await service.authenticate(b.token, CLIENT);
      await service.authenticate(a.token, CLIENT);
      await service.authenticate(c.token, CLIENT);
      expect(repository.lookups).toBe(3);

      await service.authenticate(a.token, CLIENT);
      expect(repository.lookups).toBe(3);
      await service.authenticate(b.token, CLIENT);
      expect(repository.lookups).toBe(4);
    });

    it('writes a use once a minute, not at every request, when the token stays cached', async () => {
      const service = cached({ tokenCacheTtlMs: 60_000 });
      const record = jest.spyOn(recorder, 'record');
      const { token } = await service.issue(7, ['account'], 0);
      clock.advance(60_000 - 1);
      await service.authenticate(token, CLIENT);
      clock.advance(1);
      await service.authenticate(token, CLIENT);
      await recorder.flush();
      await service.authenticate(token, CLIENT);
      await service.authenticate(token, CLIENT);
      expect(record).toHaveBeenCalledTimes(1);
    });
  });
});
