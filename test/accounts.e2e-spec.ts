import { bearer, login, PASSWORD, registerAndLogin, resetDatabase, rowCounts, useTestApp } from './support/test-app';

describe('Accounts: POST /auth/register, GET and PATCH /users/me', () => {
  const t = useTestApp();

  beforeEach(() => resetDatabase(t.db));

  describe('POST /auth/register', () => {
    it('creates the user and returns it without any hash (201)', async () => {
      const response = await t.http.post('/auth/register').send({ email: 'ada@example.com', password: PASSWORD }).expect(201);

      expect(response.body).toEqual({
        id: expect.any(Number),
        email: 'ada@example.com',
        emailVerified: false,
        pendingEmail: null,
        mfaEnabled: false,
        role: 'user',
        createdAt: expect.any(String),
      });
      expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
      expect(JSON.stringify(response.body)).not.toMatch(/hash|password|\$2b\$/i);
    });

    it('stores the email trimmed and lower-cased, and a bcrypt hash of the configured cost', async () => {
      await t.http.post('/auth/register').send({ email: '  Ada.Lovelace@Example.COM ', password: PASSWORD }).expect(201);

      const [row] = await t.db.query('SELECT email, hashed_password, is_active FROM users');
      expect(row.email).toBe('ada.lovelace@example.com');
      expect(row.hashed_password).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
      expect(row.hashed_password).not.toContain(PASSWORD);
      expect(Number(row.is_active)).toBe(1);
    });

    it('stamps createdAt with the application clock', async () => {
      const response = await t.http.post('/auth/register').send({ email: 'clock@example.com', password: PASSWORD }).expect(201);
      expect(response.body.createdAt).toBe(t.clock.now().toISOString());
    });

    it('keeps addresses that differ only by an accent or ß apart', async () => {
      for (const email of ['josé@example.com', 'jose@example.com', 'straße@example.com', 'strasse@example.com']) {
        await t.http.post('/auth/register').send({ email, password: PASSWORD }).expect(201);
      }
      await t.http.post('/auth/token').send({ email: 'jose@example.com', password: PASSWORD }).expect(200);
      expect((await rowCounts(t.db)).users).toBe(4);
    });

    it('accepts an email of exactly 254 characters and refuses 255', async () => {
      const domainOf = (length: number) => ['a'.repeat(63), 'b'.repeat(63), 'd'.repeat(length - 2 * 64 - 4)].join('.') + '.com';
      const email254 = `${'x'.repeat(64)}@${domainOf(254 - 65)}`;
      const email255 = `${'x'.repeat(64)}@${domainOf(255 - 65)}`;
      expect([email254.length, email255.length]).toEqual([254, 255]);

      await t.http.post('/auth/register').send({ email: email254, password: PASSWORD }).expect(201);
      const response = await t.http.post('/auth/register').send({ email: email255, password: PASSWORD }).expect(400);
      expect(response.body.errors).toEqual([{ field: 'email', message: expect.stringContaining('254') }]);
    });

    it.each([
      ['the same email', 'ada@example.com'],
      ['another case', 'ADA@Example.com'],
      ['surrounding spaces', '  ada@example.com  '],
      ['fullwidth letters', 'ａｄａ@example.com'],
    ])('answers 409 EMAIL_TAKEN for %s', async (_case, duplicate) => {
      await t.http.post('/auth/register').send({ email: 'ada@example.com', password: PASSWORD }).expect(201);

      const response = await t.http.post('/auth/register').send({ email: duplicate, password: PASSWORD }).expect(409);

      expect(response.body).toEqual({ statusCode: 409, code: 'EMAIL_TAKEN', message: expect.any(String) });
      expect((await rowCounts(t.db)).users).toBe(1);
    });

    it('lets exactly one of 20 concurrent registrations of one email through', async () => {
      const variants = ['race@example.com', 'RACE@example.com', 'Race@Example.com', ' race@example.com'];
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.http.post('/auth/register').send({ email: variants[i % variants.length], password: PASSWORD }),
        ),
      );

      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(19);
      expect((await rowCounts(t.db)).users).toBe(1);
    });

    it.each([
      ['a password of 7 characters', { email: 'a@example.com', password: 'seven77' }, 'password'],
      ['a password of 73 bytes', { email: 'a@example.com', password: 'a'.repeat(73) }, 'password'],
      ['a password of 37 × é (74 bytes)', { email: 'a@example.com', password: 'é'.repeat(37) }, 'password'],
      ['a password with a NUL byte', { email: 'a@example.com', password: 'abcd\u0000efgh' }, 'password'],
      ['an invalid email', { email: 'not-an-email', password: PASSWORD }, 'email'],
      ['an email over 254 characters', { email: `${'a'.repeat(60)}@${'b'.repeat(190)}.com`, password: PASSWORD }, 'email'],
      ['a missing email', { password: PASSWORD }, 'email'],
      ['a missing password', { email: 'a@example.com' }, 'password'],
      ['an unknown field', { email: 'a@example.com', password: PASSWORD, role: 'admin' }, 'role'],
    ])('answers 400 VALIDATION_FAILED naming the field for %s', async (_case, body, field) => {
      const response = await t.http.post('/auth/register').send(body).expect(400);

      expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.any(String) });
      expect(response.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
      expect((await rowCounts(t.db)).users).toBe(0);
    });
  });

  describe('GET /users/me', () => {
    it('returns the authenticated user (200)', async () => {
      const { userId, token } = await registerAndLogin(t.http, 'me@example.com');

      const response = await t.http.get('/users/me').set(bearer(token)).expect(200);

      expect(response.body).toEqual({
        id: userId,
        email: 'me@example.com',
        emailVerified: false,
        pendingEmail: null,
        mfaEnabled: false,
        role: 'user',
        createdAt: expect.any(String),
      });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('answers 401 with WWW-Authenticate: Bearer without a token', async () => {
      const response = await t.http.get('/users/me').expect(401);

      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body).toEqual({ statusCode: 401, code: 'UNAUTHENTICATED', message: expect.any(String) });
    });
  });

  describe('PATCH /users/me', () => {
    it('keeps the email as it is after checking the current password, with the new one pending (200)', async () => {
      const { token } = await registerAndLogin(t.http, 'old@example.com');

      const response = await t.http
        .patch('/users/me')
        .set(bearer(token))
        .send({ email: 'New@Example.com', currentPassword: PASSWORD })
        .expect(200);

      expect(response.body).toMatchObject({ email: 'old@example.com', pendingEmail: 'new@example.com' });
      await t.http.get('/users/me').set(bearer(token)).expect(200, response.body);
      await t.http.post('/auth/token').send({ email: 'old@example.com', password: PASSWORD }).expect(200);
      await t.http.post('/auth/token').send({ email: 'new@example.com', password: PASSWORD }).expect(401);
    });

    it('changes the password and revokes every other token of the user, keeping the current one', async () => {
      const { token } = await registerAndLogin(t.http, 'pw@example.com');
      const otherToken = await login(t.http, 'pw@example.com');
      const bystander = await registerAndLogin(t.http, 'bystander@example.com');

      await t.http
        .patch('/users/me')
        .set(bearer(token))
        .send({ password: 'a brand new passphrase', currentPassword: PASSWORD })
        .expect(200);

      await t.http.get('/users/me').set(bearer(token)).expect(200);
      await t.http.get('/users/me').set(bearer(otherToken)).expect(401);
      await t.http.get('/users/me').set(bearer(bystander.token)).expect(200);
      await t.http.post('/auth/token').send({ email: 'pw@example.com', password: PASSWORD }).expect(401);
      await t.http.post('/auth/token').send({ email: 'pw@example.com', password: 'a brand new passphrase' }).expect(200);
    });

    it('answers 403 INVALID_CURRENT_PASSWORD and changes nothing when the current password is wrong', async () => {
      const { token } = await registerAndLogin(t.http, 'keep@example.com');

      const response = await t.http
        .patch('/users/me')
        .set(bearer(token))
        .send({ email: 'other@example.com', currentPassword: 'not my password' })
        .expect(403);

      expect(response.body).toEqual({ statusCode: 403, code: 'INVALID_CURRENT_PASSWORD', message: expect.any(String) });
      const [row] = await t.db.query('SELECT email FROM users');
      expect(row.email).toBe('keep@example.com');
    });

    it('answers 409 EMAIL_TAKEN when the new email belongs to someone else', async () => {
      await registerAndLogin(t.http, 'taken@example.com');
      const { token } = await registerAndLogin(t.http, 'mine@example.com');

      const response = await t.http
        .patch('/users/me')
        .set(bearer(token))
        .send({ email: 'TAKEN@example.com', currentPassword: PASSWORD })
        .expect(409);

      expect(response.body.code).toBe('EMAIL_TAKEN');
    });

    it.each([
      ['no change at all', { currentPassword: PASSWORD }, 'body'],
      ['a missing current password', { email: 'x@example.com' }, 'currentPassword'],
      ['a too short new password', { password: 'short', currentPassword: PASSWORD }, 'password'],
      ['an unknown field', { isActive: false, email: 'x@example.com', currentPassword: PASSWORD }, 'isActive'],
    ])('answers 400 VALIDATION_FAILED for %s', async (_case, body, field) => {
      const { token } = await registerAndLogin(t.http, 'v@example.com');

      const response = await t.http.patch('/users/me').set(bearer(token)).send(body).expect(400);

      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
    });
  });
});
