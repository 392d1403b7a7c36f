import { mock } from 'jest-mock-extended';
import { defaultSettings } from '../../../test/support/default-settings';
import { FakeClock } from '../../../test/support/fake-clock';
import { AuthConfig } from '../../config/app.config';
import { AccessTokenCache } from './access-token.cache';
import { digestAccessToken, generateAccessToken } from './access-token.codec';
import { AccessToken } from './access-token.entity';
import { AccessTokenService } from './access-token.service';
import { AccessTokensRepository, NewAccessToken, TokenWithOwner } from './access-tokens.repository';
import { TokenUsageRecorder } from './token-usage.recorder';

/** An in-memory stand-in for the repository: enough behaviour for the service's logic. */
class InMemoryAccessTokens {
  rows: AccessToken[] = [];
  owner = { email: 'ada@example.com', isActive: true, createdAt: new Date('2025-01-01T00:00:00Z') };
  lookups = 0;
  trims: Array<{ userId: number; keep: number }> = [];

  insert(token: NewAccessToken): Promise<number> {
    const id = this.rows.length + 1;
    this.rows.push({ id, ...token, lastUsedAt: token.createdAt });
    return Promise.resolve(id);
  }

  findWithOwnerByDigest(tokenHash: Buffer): Promise<TokenWithOwner | null> {
    this.lookups++;
    const row = this.rows.find((candidate) => candidate.tokenHash.equals(tokenHash));
    if (!row) return Promise.resolve(null);
    return Promise.resolve({
      tokenId: row.id,
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

  trimToMostRecent(userId: number, keep: number): Promise<number[]> {
    this.trims.push({ userId, keep });
    const surplus = this.rows
      .filter((row) => row.userId === userId)
      .slice(0, -keep)
      .map((row) => row.id);
    this.rows = this.rows.filter((row) => !surplus.includes(row.id));
    return Promise.resolve(surplus);
  }

  recordLastUses(uses: ReadonlyMap<number, Date>): Promise<void> {
    for (const [id, usedAt] of uses) {
      const row = this.rows.find((candidate) => candidate.id === id);
      if (row && row.lastUsedAt < usedAt) row.lastUsedAt = usedAt;
    }
    return Promise.resolve();
  }

  deleteById(id: number): Promise<void> {
    this.rows = this.rows.filter((row) => row.id !== id);
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

describe('AccessTokenService', () => {
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

  const serviceWith = (overrides: Partial<AuthConfig> = {}) => {
    repository = new InMemoryAccessTokens();
    const asRepository = mock<AccessTokensRepository>();
    asRepository.insert.mockImplementation((token) => repository.insert(token));
    asRepository.findWithOwnerByDigest.mockImplementation((digest) => repository.findWithOwnerByDigest(digest));
    asRepository.trimToMostRecent.mockImplementation((userId, keep) => repository.trimToMostRecent(userId, keep));
    asRepository.recordLastUses.mockImplementation((uses) => repository.recordLastUses(uses));
    asRepository.deleteById.mockImplementation((id) => repository.deleteById(id));
    asRepository.deleteAllByUserExcept.mockImplementation((userId, keepId) => repository.deleteAllByUserExcept(userId, keepId));
    asRepository.deleteByIdAndUser.mockImplementation((id, userId) => repository.deleteByIdAndUser(id, userId));
    recorder = new TokenUsageRecorder(asRepository);
    clock = new FakeClock();
    const settings = config(overrides);
    return new AccessTokenService(asRepository, recorder, new AccessTokenCache(clock, settings), clock, settings);
  };

  it('issues a token whose digest, never the text, is stored, with expiry from the clock', async () => {
    const service = serviceWith();

    const issued = await service.issue(7, ['account']);

    expect(issued.expiresInSeconds).toBe(5);
    expect(repository.rows).toHaveLength(1);
    expect(repository.rows[0].tokenHash.equals(digestAccessToken(issued.token))).toBe(true);
    expect(repository.rows[0].expiresAt.getTime() - repository.rows[0].createdAt.getTime()).toBe(5000);
    expect(JSON.stringify(repository.rows)).not.toContain(issued.token);
  });

  it('trims the user to the configured cap after every issue', async () => {
    const service = serviceWith({ maxTokensPerUser: 3 });
    await service.issue(7, ['account']);
    expect(repository.trims).toEqual([{ userId: 7, keep: 3 }]);
  });

  it('accepts a 5 s token at 4 s and refuses it at 5 s and after', async () => {
    const service = serviceWith();
    const { token } = await service.issue(7, ['account']);

    clock.advance(4000);
    await expect(service.authenticate(token)).resolves.toMatchObject({ user: { id: 7, email: 'ada@example.com' } });
    clock.advance(1000);
    await expect(service.authenticate(token)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    clock.advance(1000);
    await expect(service.authenticate(token)).rejects.toBeDomainError('INVALID_TOKEN', 401);
  });

  it('refuses a malformed token without a lookup', async () => {
    const service = serviceWith();
    await expect(service.authenticate('nat_not-a-token')).rejects.toBeDomainError('INVALID_TOKEN', 401);
    expect(repository.lookups).toBe(0);
  });

  it('refuses an unknown well-formed token after one lookup', async () => {
    const service = serviceWith();
    await expect(service.authenticate(generateAccessToken())).rejects.toBeDomainError('INVALID_TOKEN', 401);
    expect(repository.lookups).toBe(1);
  });

  it('refuses the token of a deactivated user', async () => {
    const service = serviceWith();
    const { token } = await service.issue(7, ['account']);
    repository.owner.isActive = false;
    await expect(service.authenticate(token)).rejects.toBeDomainError('INVALID_TOKEN', 401);
  });

  it('notes a use at most once a minute', async () => {
    const service = serviceWith({ accessTokenTtlSeconds: 3600 });
    const record = jest.spyOn(recorder, 'record');
    const { token, id } = await service.issue(7, ['account']);

    clock.advance(59_000);
    await service.authenticate(token);
    expect(record).not.toHaveBeenCalled();

    clock.advance(1_000);
    await service.authenticate(token);
    await service.authenticate(token);
    expect(record).toHaveBeenCalledTimes(1);
    expect(record).toHaveBeenCalledWith(id, clock.now());

    await recorder.flush();
    expect(repository.rows[0].lastUsedAt).toEqual(clock.now());
  });

  it('ends a token left unused for the idle timeout, counting uses not yet written', async () => {
    const service = serviceWith({ accessTokenTtlSeconds: 3600, accessTokenIdleTtlSeconds: 600 });
    const { token } = await service.issue(7, ['account']);

    clock.advance(590_000);
    await service.authenticate(token);
    clock.advance(590_000);
    await expect(service.authenticate(token)).resolves.toBeDefined();
    clock.advance(600_000);
    await expect(service.authenticate(token)).rejects.toBeDomainError('INVALID_TOKEN', 401);
  });

  it('answers NOT_FOUND when revoking a token the user does not own', async () => {
    const service = serviceWith();
    const { id } = await service.issue(7, ['account']);

    await expect(service.revokeOwned(8, id)).rejects.toBeDomainError('NOT_FOUND', 404);
    await expect(service.revokeOwned(7, id)).resolves.toBeUndefined();
  });

  describe('with the token cache on', () => {
    const cached = (overrides: Partial<AuthConfig> = {}) =>
      serviceWith({ accessTokenTtlSeconds: 3600, tokenCacheTtlMs: 5000, ...overrides });

    it('answers a token checked within the TTL without a lookup, and looks it up again once stale', async () => {
      const service = cached();
      const { token } = await service.issue(7, ['account']);
      await service.authenticate(token);
      await service.authenticate(token);
      expect(repository.lookups).toBe(1);

      // lru-cache: stale once older than the TTL.
      clock.advance(5000 + 1);
      await service.authenticate(token);
      expect(repository.lookups).toBe(2);
    });

    it('never caches an unknown token', async () => {
      const service = cached();
      const unknown = generateAccessToken();
      await expect(service.authenticate(unknown)).rejects.toBeDomainError('INVALID_TOKEN', 401);
      await expect(service.authenticate(unknown)).rejects.toBeDomainError('INVALID_TOKEN', 401);
      expect(repository.lookups).toBe(2);
    });

    it.each([
      ['a logout', (service: AccessTokenService, id: number) => service.revoke(id)],
      ['a revocation by id', (service: AccessTokenService, id: number) => service.revokeOwned(7, id)],
      ['revoking the other sessions (a password change)', (service: AccessTokenService) => service.revokeAllExcept(7, 999)],
    ])('forgets a token at once after %s', async (_case, revoke) => {
      const service = cached();
      const { token, id } = await service.issue(7, ['account']);
      await service.authenticate(token);

      await revoke(service, id);

      await expect(service.authenticate(token)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    });

    it('forgets the tokens evicted by the per-user cap', async () => {
      const service = cached({ maxTokensPerUser: 1 });
      const first = await service.issue(7, ['account']);
      await service.authenticate(first.token);
      await service.issue(7, ['account']);
      await expect(service.authenticate(first.token)).rejects.toBeDomainError('INVALID_TOKEN', 401);
    });

    it("shows a user's new details at once after forgetOwner", async () => {
      const service = cached();
      const { token } = await service.issue(7, ['account']);
      await service.authenticate(token);
      repository.owner.email = 'ada.lovelace@example.com';

      service.forgetOwner(7);

      await expect(service.authenticate(token)).resolves.toMatchObject({ user: { email: 'ada.lovelace@example.com' } });
    });

    it('holds at most TOKEN_CACHE_MAX_ENTRIES tokens, dropping the least recently used', async () => {
      const service = cached({ tokenCacheMaxEntries: 2 });
      const [a, b, c] = [await service.issue(1, ['account']), await service.issue(2, ['account']), await service.issue(3, ['account'])];
      await service.authenticate(a.token);
      await service.authenticate(b.token);
      await service.authenticate(a.token);
      await service.authenticate(c.token);
      expect(repository.lookups).toBe(3);

      await service.authenticate(a.token);
      expect(repository.lookups).toBe(3);
      await service.authenticate(b.token);
      expect(repository.lookups).toBe(4);
    });

    it('writes a use once a minute, not at every request, when the token stays cached', async () => {
      const service = cached({ tokenCacheTtlMs: 60_000 });
      const record = jest.spyOn(recorder, 'record');
      const { token } = await service.issue(7, ['account']);
      clock.advance(60_000 - 1);
      await service.authenticate(token);
      clock.advance(1);
      await service.authenticate(token);
      await recorder.flush();
      await service.authenticate(token);
      await service.authenticate(token);
      expect(record).toHaveBeenCalledTimes(1);
    });
  });
});
