import { RevocationFeed } from '../src/auth/tokens/revocation-feed';
import { generateAccessToken } from '../src/auth/tokens/access-token.codec';
import { AccessTokenRevoker } from '../src/auth/tokens/access-token.revoker';
import { UnitOfWork } from '../src/database/unit-of-work';
import { bearer, createTestApp, login, PASSWORD, registerAndLogin, resetDatabase, TestApp } from './support/test-app';

/**
 * docs/api.md "Revocation across instances": every change that ends a token
 * or changes what a token shows writes a line to the revocation log in its
 * own transaction, and an instance that has read past the line refuses the
 * token, whatever its cache holds. Two instances on one database; the reads
 * of the log are driven by hand (RevocationFeed.poll), so that the cache's
 * effect is seen before them and the log's after.
 */
describe('The revocation log, two instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  const readOnB = (token: string) => b.http.get('/users/me').set(bearer(token));
  const lines = () =>
    a.db.query<Array<{ user_id: number; token_id: number | null }>>('SELECT user_id, token_id FROM token_revocations ORDER BY id');

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
  beforeEach(() => resetDatabase(a.db));

  /** A user and a session, which instance B has checked and cached. */
  async function sessionCachedOnB(email = 'ada@example.com') {
    const { userId, token } = await registerAndLogin(a.http, email);
    await readOnB(token).expect(200);
    return { userId, token };
  }

  /** B still answers from its cache, then refuses once it has read the log. */
  async function expectRefusedOnBAfterItReads(token: string): Promise<void> {
    await readOnB(token).expect(200);
    await b.app.get(RevocationFeed).poll();
    await readOnB(token).expect(401);
  }

  it('a logout on A', async () => {
    const { userId, token } = await sessionCachedOnB();
    const tokenId = (await a.db.query<Array<{ id: number }>>('SELECT id FROM access_tokens'))[0].id;

    await a.http.post('/auth/logout').set(bearer(token)).expect(204);

    expect(await lines()).toEqual([{ user_id: userId, token_id: tokenId }]);
    await expectRefusedOnBAfterItReads(token);
  });

  it('a revocation by id, and of every other session', async () => {
    const { userId, token } = await sessionCachedOnB();
    const second = await login(a.http, 'ada@example.com');
    const third = await login(a.http, 'ada@example.com');
    await readOnB(second).expect(200);
    await readOnB(third).expect(200);
    const [{ id: secondId }] = await a.db.query<Array<{ id: number }>>('SELECT id FROM access_tokens ORDER BY id LIMIT 1 OFFSET 1');

    await a.http.delete(`/auth/tokens/${secondId}`).set(bearer(token)).expect(204);
    await expectRefusedOnBAfterItReads(second);
    await a.http.delete('/auth/tokens').set(bearer(token)).expect(204);
    await expectRefusedOnBAfterItReads(third);

    expect(await lines()).toEqual([
      { user_id: userId, token_id: secondId },
      { user_id: userId, token_id: null },
    ]);
  });

  it('a password change, a deactivation, a demotion and a deletion', async () => {
    const admin = await registerAndLogin(a.http, 'admin@example.com');
    await a.db.query("UPDATE users SET role = 'admin' WHERE id = ?", [admin.userId]);
    const adminToken = await login(a.http, 'admin@example.com');
    const changes: Array<[string, (userId: number, token: string) => Promise<unknown>]> = [
      [
        'password change',
        (_userId, token) =>
          a.http.patch('/users/me').set(bearer(token)).send({ password: 'a new good passphrase', currentPassword: PASSWORD }).expect(200),
      ],
      ['deactivation', (userId) => a.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ isActive: false }).expect(200)],
      ['deletion', (userId) => a.http.delete(`/admin/users/${userId}`).set(bearer(adminToken)).expect(204)],
    ];
    for (const [name, change] of changes) {
      const { userId, token } = await sessionCachedOnB(`${name.replace(' ', '.')}@example.com`);
      // The password change keeps the caller's session: the one revoked is another.
      const other = await login(a.http, `${name.replace(' ', '.')}@example.com`);
      await readOnB(other).expect(200);
      await change(userId, token);
      await expectRefusedOnBAfterItReads(other);
    }

    // A demotion: the admin's token, cached on B with the admin scope, is refused on an admin route.
    const second = await registerAndLogin(a.http, 'second.admin@example.com');
    await a.db.query("UPDATE users SET role = 'admin' WHERE id = ?", [second.userId]);
    const demoted = await login(a.http, 'second.admin@example.com');
    await b.http.get('/admin/users').set(bearer(demoted)).expect(200);
    await a.http.patch(`/admin/users/${second.userId}`).set(bearer(adminToken)).send({ role: 'user' }).expect(200);
    await b.http.get('/admin/users').set(bearer(demoted)).expect(200);
    await b.app.get(RevocationFeed).poll();
    await b.http.get('/admin/users').set(bearer(demoted)).expect(401);
  });

  it('a change of what the token shows: an email change request is seen on B once it has read the log', async () => {
    const { token } = await sessionCachedOnB();
    await a.http.patch('/users/me').set(bearer(token)).send({ email: 'ada.new@example.com', currentPassword: PASSWORD }).expect(200);

    expect((await readOnB(token).expect(200)).body).toMatchObject({ pendingEmail: null });
    await b.app.get(RevocationFeed).poll();
    expect((await readOnB(token).expect(200)).body).toMatchObject({ pendingEmail: 'ada.new@example.com' });
  });

  it('writes the line in the transaction of the change: a change rolled back leaves neither', async () => {
    const { userId, token } = await sessionCachedOnB();
    const tokens = a.app.get(AccessTokenRevoker);

    await expect(
      a.app.get(UnitOfWork).run(async (transaction) => {
        await tokens.revokeAllInTransaction(userId, null, transaction);
        throw new Error('the rest of the change failed');
      }),
    ).rejects.toThrow('the rest of the change failed');

    expect(await lines()).toEqual([]);
    await readOnB(token).expect(200);
    await b.app.get(RevocationFeed).poll();
    await readOnB(token).expect(200);
    await a.http.get('/users/me').set(bearer(token)).expect(200);
  });
});

describe('Well-formed tokens that match nothing', () => {
  it('cost one query each, then 429 past INVALID_TOKENS_PER_CLIENT a minute, while the client’s known tokens still work', async () => {
    const t = await createTestApp({ throttling: { invalidTokensPerClient: 3 } });
    try {
      await resetDatabase(t.db);
      const { token } = await registerAndLogin(t.http, 'ada@example.com');
      await t.http.get('/users/me').set(bearer(token)).expect(200);
      // Well-formed, with the checksum anyone can compute, and matching nothing.
      const freshToken = generateAccessToken;
      const made = [freshToken(), freshToken(), freshToken()];
      for (const presented of made) await t.http.get('/users/me').set(bearer(presented)).expect(401);

      const refused = await t.http.get('/users/me').set(bearer(freshToken())).expect(429);

      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // A token already known to match nothing costs nothing: still its 401.
      await t.http.get('/users/me').set(bearer(made[0])).expect(401);
      await t.http.get('/users/me').set(bearer(token)).expect(200);
      t.clock.advance(60_001);
      await t.http.get('/users/me').set(bearer(freshToken())).expect(401);
    } finally {
      await t.close();
    }
  });
});
