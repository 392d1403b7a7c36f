import { bearer, createTestApp, login, makeAdmin, PASSWORD, registerAndLogin, resetDatabase, TestApp } from './support/test-app';

/** docs/api.md "Administration" on real MySQL; bad-input row 36. */
interface AdminUser {
  id: number;
  email: string;
  role: string;
  isActive: boolean;
  lastLoginAt: string | null;
}

interface Page {
  items: AdminUser[];
  nextCursor: string | null;
}

describe('Administration', () => {
  let t: TestApp;
  let adminToken: string;
  let adminId: number;
  let userToken: string;
  let userId: number;

  const users = (query = '') => t.http.get(`/admin/users${query}`).set(bearer(adminToken));

  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(async () => {
    await resetDatabase(t.db);
    ({ userId: adminId } = await registerAndLogin(t.http, 'boss@example.com'));
    await makeAdmin(t, adminId);
    adminToken = await login(t.http, 'boss@example.com');
    ({ userId, token: userToken } = await registerAndLogin(t.http, 'worker@example.com'));
  });
  afterAll(() => t.close());

  it('refuses a user with 403 FORBIDDEN, and an admin token without the admin scope with 403 INSUFFICIENT_SCOPE', async () => {
    expect((await t.http.get('/admin/users').set(bearer(userToken)).expect(403)).body).toMatchObject({ code: 'FORBIDDEN' });
    const narrowed = (
      await t.http.post('/auth/token').send({ email: 'boss@example.com', password: PASSWORD, scope: 'account' }).expect(200)
    ).body as { access_token: string };
    const refused = await t.http.get('/admin/users').set(bearer(narrowed.access_token)).expect(403);
    expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
    expect(refused.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="admin"');
  });

  it('lists users by id, a page at a time, with opaque cursors, isActive and lastLoginAt', async () => {
    for (let i = 0; i < 3; i++)
      await t.http
        .post('/auth/register')
        .send({ email: `member${i}@example.com`, password: PASSWORD })
        .expect(201);

    const seen: AdminUser[] = [];
    let cursor: string | null = null;
    do {
      const response = await users(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200);
      const page = response.body as Page;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);

    expect(seen.map((user) => user.email)).toEqual([
      'boss@example.com',
      'worker@example.com',
      'member0@example.com',
      'member1@example.com',
      'member2@example.com',
    ]);
    expect(seen.map((user) => user.id)).toEqual([...seen.map((user) => user.id)].sort((a, b) => a - b));
    expect(seen[0]).toMatchObject({ role: 'admin', isActive: true, lastLoginAt: expect.any(String) as string });
    expect(seen[2]).toMatchObject({ role: 'user', lastLoginAt: null });
    expect(JSON.stringify(seen)).not.toMatch(/hash|password/i);
  });

  it('searches within the email, wildcards taken literally', async () => {
    await t.http.post('/auth/register').send({ email: 'the.needle@example.com', password: PASSWORD }).expect(201);
    await t.http.post('/auth/register').send({ email: 'needle_x@example.com', password: PASSWORD }).expect(201);

    expect(((await users('?search=needle').expect(200)).body as Page).items.map((user) => user.email)).toEqual([
      'the.needle@example.com',
      'needle_x@example.com',
    ]);
    expect(((await users('?search=e_x').expect(200)).body as Page).items.map((user) => user.email)).toEqual(['needle_x@example.com']);
    expect(((await users('?search=%25').expect(200)).body as Page).items).toEqual([]);
  });

  it.each([
    ['limit=0', '?limit=0'],
    ['limit=1000', '?limit=1000'],
    ['limit=abc', '?limit=abc'],
    ['limit=1.5', '?limit=1.5'],
    ['a cursor that is not ours', '?cursor=eyJsaXN0IjoiYWRtaW4tdXNlcnMiLCJhZnRlcklkIjoxLCJmaWx0ZXIiOiIifQ.AAAA'],
    ['junk as a cursor', '?cursor=%00%01'],
  ])('row 36: %s gets 400', async (_case, query) => {
    expect((await users(query).expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('row 36: refuses an altered cursor, and one of another search', async () => {
    await t.http.post('/auth/register').send({ email: 'third@example.com', password: PASSWORD }).expect(201);
    const { nextCursor } = (await users('?limit=1').expect(200)).body as Page;
    const [payload, signature] = nextCursor!.split('.');
    const altered = `${Buffer.from(
      Buffer.from(payload, 'base64url')
        .toString()
        .replace(/"afterId":\d+/, '"afterId":0'),
    ).toString('base64url')}.${signature}`;

    await users(`?limit=1&cursor=${encodeURIComponent(altered)}`).expect(400);
    // Node's base64url decoder would read these signatures as the right one: they are compared as text.
    // The last of 43 symbols carries 4 bits and 2 spare ones: the next symbol up decodes to the same bytes.
    const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = BASE64URL[BASE64URL.indexOf(signature.at(-1)!) + 1];
    expect(Buffer.from(`${signature.slice(0, -1)}${sameBytes}`, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    for (const variant of [`${nextCursor!}=`, `${nextCursor!} `, `${payload}.${signature.slice(0, -1)}${sameBytes}`]) {
      await users(`?limit=1&cursor=${encodeURIComponent(variant)}`).expect(400);
    }
    await users(`?limit=1&search=example&cursor=${encodeURIComponent(nextCursor!)}`).expect(400);
    await users(`?limit=1&cursor=${encodeURIComponent(nextCursor!)}`).expect(200);
  });

  it('shows one user; 404 for an unknown or malformed id', async () => {
    expect((await t.http.get(`/admin/users/${userId}`).set(bearer(adminToken)).expect(200)).body).toMatchObject({
      email: 'worker@example.com',
      isActive: true,
    });
    await t.http.get('/admin/users/999999').set(bearer(adminToken)).expect(404);
    await t.http.get('/admin/users/abc').set(bearer(adminToken)).expect(404);
  });

  it('deactivates a user (tokens end at once, logins fail like a wrong password) and activates them again', async () => {
    const deactivated = await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ isActive: false }).expect(200);
    expect(deactivated.body).toMatchObject({ isActive: false });
    await t.http.get('/users/me').set(bearer(userToken)).expect(401);
    expect((await t.http.post('/auth/token').send({ email: 'worker@example.com', password: PASSWORD }).expect(401)).body).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });

    await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ isActive: true }).expect(200);
    await login(t.http, 'worker@example.com');
  });

  it('promotes and demotes; a demotion ends the tokens at once; unknown fields and roles get 400', async () => {
    expect((await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ role: 'admin' }).expect(200)).body).toMatchObject({
      role: 'admin',
    });
    const promotedToken = await login(t.http, 'worker@example.com');
    await t.http.get('/admin/users').set(bearer(promotedToken)).expect(200);

    await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ role: 'user' }).expect(200);
    await t.http.get('/users/me').set(bearer(promotedToken)).expect(401);
    await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ role: 'root' }).expect(400);
    await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ email: 'x@example.com' }).expect(400);
  });

  it('keeps one active admin: the last one cannot be demoted, deactivated or deleted (409 LAST_ADMIN)', async () => {
    for (const change of [{ role: 'user' }, { isActive: false }]) {
      expect((await t.http.patch(`/admin/users/${adminId}`).set(bearer(adminToken)).send(change).expect(409)).body).toMatchObject({
        code: 'LAST_ADMIN',
      });
    }
    expect((await t.http.delete(`/admin/users/${adminId}`).set(bearer(adminToken)).expect(409)).body).toMatchObject({ code: 'LAST_ADMIN' });
    // Nor can it delete its own account.
    expect((await t.http.delete('/users/me').set(bearer(adminToken)).send({ currentPassword: PASSWORD }).expect(409)).body).toMatchObject({
      code: 'LAST_ADMIN',
    });
    // What keeps the admin an active admin is no loss.
    await t.http.patch(`/admin/users/${adminId}`).set(bearer(adminToken)).send({ isActive: true }).expect(200);
    await t.http.patch(`/admin/users/${adminId}`).set(bearer(adminToken)).send({ role: 'admin' }).expect(200);
  });

  it('keeps one active admin under 20 parallel demotions of the last two', async () => {
    await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ role: 'admin' }).expect(200);
    const otherToken = await login(t.http, 'worker@example.com');

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 2 === 0
          ? t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ role: 'user' })
          : t.http.patch(`/admin/users/${adminId}`).set(bearer(otherToken)).send({ role: 'user' }),
      ),
    );

    const [{ n }] = await t.db.query<Array<{ n: string }>>("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND is_active = 1");
    expect(Number(n)).toBe(1);
    // The demoted admin's own requests find its token gone (401) or the other one last (409).
    expect(answers.every((answer) => [200, 401, 409].includes(answer.status))).toBe(true);
    expect(answers.some((answer) => answer.status === 409)).toBe(true);
  });

  it('revokes every token of a user, and deletes a user with everything of theirs', async () => {
    await t.http.delete(`/admin/users/${userId}/tokens`).set(bearer(adminToken)).expect(204);
    await t.http.get('/users/me').set(bearer(userToken)).expect(401);
    await t.http.delete('/admin/users/999999/tokens').set(bearer(adminToken)).expect(404);

    await t.http.delete(`/admin/users/${userId}`).set(bearer(adminToken)).expect(204);
    await t.http.get(`/admin/users/${userId}`).set(bearer(adminToken)).expect(404);
    await t.http.post('/auth/token').send({ email: 'worker@example.com', password: PASSWORD }).expect(401);
    await t.http.delete(`/admin/users/${userId}`).set(bearer(adminToken)).expect(404);
  });
});
