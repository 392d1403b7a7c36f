import bcrypt from 'bcrypt';
import { bearer, login, PASSWORD, resetDatabase, rowCounts, useTestApp } from '../support/test-app';

/** docs/security.md, "Passwords" and "Accounts and login" (items 1-12 and 14; 13 has its own suite). */
const EMAIL = 'ada@example.com';

describe('Security checklist: passwords and accounts', () => {
  const t = useTestApp();

  beforeEach(() => resetDatabase(t.db));

  const register = (email: string, password: unknown) => t.http.post('/auth/register').send({ email, password });
  const storedHash = async (email: string): Promise<string> => {
    const [row] = await t.db.query('SELECT hashed_password FROM users WHERE email = ?', [email]);
    return row.hashed_password;
  };
  const expectPasswordRefused = async (password: string, message: RegExp) => {
    const before = await rowCounts(t.db);
    const response = await register('refused@example.com', password).expect(400);
    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'password', message: expect.stringMatching(message) }],
    });
    expect(await rowCounts(t.db)).toEqual(before);
  };

  it('item 1: a password needs 8 characters, counted in code points', async () => {
    await expectPasswordRefused('k7#vQ2!', /at least 8 characters/);
    await register(EMAIL, 'k7#vQ2!m').expect(201);
    // Eight emoji are 16 UTF-16 units but 8 characters: accepted, as 7 would not be.
    await register('emoji@example.com', '🙂🐱🌍🎲🚲🍋🎈🦊').expect(201);
    const sevenEmoji = await register('emoji7@example.com', '🙂🐱🌍🎲🚲🍋🎈'.slice(0, 14)).expect(400);
    expect(sevenEmoji.body.errors[0].message).toMatch(/at least 8 characters/);
  });

  it('item 2: at most 72 bytes in UTF-8, refused with a clear 400 and no bcrypt run, never truncated', async () => {
    await register(EMAIL, 'a'.repeat(72)).expect(201);
    await login(t.http, EMAIL, 'a'.repeat(72));

    const compare = jest.spyOn(bcrypt, 'compare');
    const hash = jest.spyOn(bcrypt, 'hash');
    try {
      await expectPasswordRefused('a'.repeat(73), /at most 72 bytes/);
      await expectPasswordRefused('é'.repeat(37), /at most 72 bytes/);
      await t.http
        .post('/auth/token')
        .send({ email: EMAIL, password: 'a'.repeat(73) })
        .expect(400);
      expect(compare).not.toHaveBeenCalled();
      expect(hash).not.toHaveBeenCalled();
    } finally {
      compare.mockRestore();
      hash.mockRestore();
    }
  });

  it('item 3: a NUL byte in a password is refused', async () => {
    await expectPasswordRefused('correct\u0000horse battery', /NUL/);
    await register(EMAIL, PASSWORD).expect(201);
    await t.http
      .post('/auth/token')
      .send({ email: EMAIL, password: `${PASSWORD}\u0000` })
      .expect(400);
  });

  it('item 4: no composition rules, any Unicode, NFKC before hashing and verifying', async () => {
    await register(EMAIL, 'correct horse battery staple').expect(201);
    await register('ivan@example.com', 'пароль пароль 🙂🙂').expect(201);
    await register('ligature@example.com', 'ﬁnal ﬁxed ﬁgure').expect(201);
    await login(t.http, 'ligature@example.com', 'final fixed figure');
    await login(t.http, 'ivan@example.com', 'пароль пароль 🙂🙂');
  });

  it('item 5: common passwords and the email itself are refused, with the reason', async () => {
    await expectPasswordRefused('password1234', /most common passwords/);
    await expectPasswordRefused('PassWord1234', /most common passwords/);
    await expectPasswordRefused('iloveyou2', /most common passwords/);
    const local = await t.http.post('/auth/register').send({ email: 'ada.lovelace@example.com', password: 'ada.lovelace1815' }).expect(400);
    expect(local.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(/email/) }]);

    await register(EMAIL, PASSWORD).expect(201);
    const token = await login(t.http, EMAIL);
    const change = await t.http
      .patch('/users/me')
      .set(bearer(token))
      .send({ password: 'password1234', currentPassword: PASSWORD })
      .expect(400);
    expect(change.body.errors[0].field).toBe('password');
    await t.http.patch('/users/me').set(bearer(token)).send({ password: 'my-ada-example-pass', currentPassword: PASSWORD }).expect(200);
    await t.http
      .patch('/users/me')
      .set(bearer(token))
      .send({ email: 'lovelace@example.com', password: 'lovelace and babbage', currentPassword: 'my-ada-example-pass' })
      .expect(400);
  });

  it('item 6: bcrypt at the configured cost (10 in tests, never below), a new salt each time', async () => {
    await register(EMAIL, PASSWORD).expect(201);
    await register('grace@example.com', PASSWORD).expect(201);
    const [first, second] = [await storedHash(EMAIL), await storedHash('grace@example.com')];
    expect(first).toMatch(/^\$2[aby]\$10\$/);
    expect(second).toMatch(/^\$2[aby]\$10\$/);
    expect(first).not.toBe(second);
  });

  it('item 7: a hash below the configured cost is upgraded at the next successful login', async () => {
    await register(EMAIL, PASSWORD).expect(201);
    await t.db.query('UPDATE users SET hashed_password = ? WHERE email = ?', [await bcrypt.hash(PASSWORD, 4), EMAIL]);
    await t.http.post('/auth/token').send({ email: EMAIL, password: 'wrong password' }).expect(401);
    expect(await storedHash(EMAIL)).toMatch(/^\$2b\$04\$/);

    await login(t.http, EMAIL);
    expect(await storedHash(EMAIL)).toMatch(/^\$2b\$10\$/);
    await login(t.http, EMAIL);
  });

  it('item 8: the email is trimmed and lower-cased into a UNIQUE column; either form logs in', async () => {
    await register('User@Example.COM', PASSWORD).expect(201);
    const duplicate = await register(' user@example.com ', PASSWORD).expect(409);
    expect(duplicate.body.code).toBe('EMAIL_TAKEN');
    const rows = await t.db.query('SELECT email FROM users');
    expect(rows).toEqual([{ email: 'user@example.com' }]);
    await login(t.http, 'USER@example.com');
    await login(t.http, 'user@example.com');
  });

  it.each([
    ['id', 999],
    ['isActive', false],
    ['role', 'admin'],
    ['hashedPassword', '$2b$10$x'],
  ])('item 9: mass assignment of %s is refused and the row keeps its defaults', async (field, value) => {
    const response = await t.http
      .post('/auth/register')
      .send({ email: EMAIL, password: PASSWORD, [field]: value })
      .expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect((await rowCounts(t.db)).users).toBe(0);

    await register(EMAIL, PASSWORD).expect(201);
    const token = await login(t.http, EMAIL);
    await t.http
      .patch('/users/me')
      .set(bearer(token))
      .send({ currentPassword: PASSWORD, email: 'x@example.com', [field]: value })
      .expect(400);
    const [row] = await t.db.query('SELECT email, is_active FROM users');
    expect(row).toEqual({ email: EMAIL, is_active: 1 });
  });

  it('item 9: a __proto__ key is refused', async () => {
    await t.http
      .post('/auth/register')
      .set('Content-Type', 'application/json')
      .send(`{"email":"${EMAIL}","password":"${PASSWORD}","__proto__":{"isActive":false}}`)
      .expect(400);
    expect((await rowCounts(t.db)).users).toBe(0);
  });

  it('item 10: no response carries a password, a hash or a token other than the one just issued', async () => {
    const registered = await register(EMAIL, PASSWORD).expect(201);
    const issued = await t.http.post('/auth/token').send({ email: EMAIL, password: PASSWORD }).expect(200);
    const token: string = issued.body.access_token;
    const second = await login(t.http, EMAIL);
    const responses = [
      registered,
      await t.http.get('/users/me').set(bearer(token)),
      await t.http.get('/auth/tokens').set(bearer(token)),
      await t.http.patch('/users/me').set(bearer(token)).send({ email: 'ada2@example.com', currentPassword: PASSWORD }),
    ];
    const hash = await storedHash(EMAIL);
    for (const response of responses) {
      expect(response.status).toBeLessThan(300);
      const text = JSON.stringify(response.body) + JSON.stringify(response.headers);
      expect(text).not.toMatch(/password|hash/i);
      for (const secret of [PASSWORD, hash, hash.slice(7), token, second, token.slice(4, 24)]) expect(text).not.toContain(secret);
    }
    expect(Object.keys(issued.body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
  });

  it('item 11: unknown email, wrong password and deactivated account get the same status, body and headers', async () => {
    await register(EMAIL, PASSWORD).expect(201);
    const off = await register('off@example.com', PASSWORD).expect(201);
    await t.db.query('UPDATE users SET is_active = 0 WHERE id = ?', [off.body.id]);

    const answers = [
      await t.http.post('/auth/token').send({ email: 'nobody@example.com', password: PASSWORD }),
      await t.http.post('/auth/token').send({ email: EMAIL, password: 'wrong password' }),
      await t.http.post('/auth/token').send({ email: 'off@example.com', password: PASSWORD }),
    ];
    const shape = (response: (typeof answers)[number]) => ({
      status: response.status,
      body: response.body,
      // The date and the request id differ by nature, and say nothing about the account.
      headers: Object.entries(response.headers)
        .filter(([name]) => name !== 'date' && name !== 'x-request-id')
        .sort(),
    });
    expect(shape(answers[0])).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    expect(shape(answers[1])).toEqual(shape(answers[0]));
    expect(shape(answers[2])).toEqual(shape(answers[0]));
  });

  it('item 12: exactly one bcrypt comparison per attempt, against a hash of the configured cost for unknown emails too', async () => {
    await register(EMAIL, PASSWORD).expect(201);
    const compare = jest.spyOn(bcrypt, 'compare');
    try {
      for (const email of ['nobody@example.com', EMAIL]) {
        compare.mockClear();
        await t.http.post('/auth/token').send({ email, password: 'wrong password' }).expect(401);
        expect(compare).toHaveBeenCalledTimes(1);
        expect(compare.mock.calls[0][1]).toMatch(/^\$2b\$10\$/);
      }
    } finally {
      compare.mockRestore();
    }
  });

  it.each([
    ['password as a number', { email: EMAIL, password: 12345678 }],
    ['password as null', { email: EMAIL, password: null }],
    ['password as an array', { email: EMAIL, password: [PASSWORD] }],
    ['password as an object', { email: EMAIL, password: { $ne: '' } }],
    ['email as a number', { email: 1, password: PASSWORD }],
    ['email as null', { email: null, password: PASSWORD }],
    ['email as an array', { email: [EMAIL], password: PASSWORD }],
    ['email as an object', { email: { $gt: '' }, password: PASSWORD }],
    ['email missing', { password: PASSWORD }],
  ])('item 14: %s gets 400, never a 500 and never a token', async (_case, body) => {
    await register(EMAIL, PASSWORD).expect(201);
    for (const path of ['/auth/token', '/auth/cookie/login', '/auth/register']) {
      const response = await t.http.post(path).send(body);
      expect([path, response.status]).toEqual([path, 400]);
      expect(response.body.access_token).toBeUndefined();
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    expect(await rowCounts(t.db)).toEqual({ users: 1, tokens: 0 });
  });
});
