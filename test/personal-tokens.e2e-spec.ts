import { createHash } from 'node:crypto';
import { NotesModule } from './fixtures/notes/notes.module';
import { linkTokenOf, SmtpSink } from './support/smtp-sink';
import {
  bearer,
  createTestApp,
  grantedScopes,
  login,
  PASSWORD,
  registerVerified,
  resetDatabase,
  TestApp,
  TestAppOptions,
  useApp,
} from './support/test-app';

/** Personal access tokens: docs/api.md "Scopes, personal access tokens and roles"; bad-input rows 37 and 38. */
const DAY_MS = 86_400_000;

interface PersonalToken {
  id: number;
  name: string;
  token: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
}

async function personalApp(options: TestAppOptions = {}): Promise<TestApp> {
  const t = await createTestApp({ imports: [NotesModule], ...options });
  await resetDatabase(t.db);
  return t;
}

const create = (t: TestApp, token: string, body: object) => t.http.post('/auth/tokens').set(bearer(token)).send(body);

describe('Personal access tokens', () => {
  const t = useApp(() => personalApp({ auth: { maxTokensPerUser: 2, accessTokenIdleTtlSeconds: 1800, maxPersonalTokensPerUser: 3 } }));

  it('makes a named token with the scopes asked for, shown once, expiring in the days asked for (30 by default)', async () => {
    const { token } = await registerVerified(t, 'maker@example.com');

    const made = await create(t, token, { name: 'CI deploys', scopes: ['notes:read'], expiresInDays: 7 }).expect(201);

    const personal = made.body as PersonalToken;
    expect(Object.keys(personal).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'name', 'scopes', 'token']);
    expect(personal).toMatchObject({ name: 'CI deploys', scopes: ['notes:read'], token: expect.stringMatching(/^nat_/) as string });
    expect(Date.parse(personal.expiresAt) - Date.parse(personal.createdAt)).toBe(7 * DAY_MS);
    // Item 49: stored like every token, as its SHA-256 only.
    const [row] = await t.db.query<Array<Record<string, unknown>>>('SELECT * FROM access_tokens WHERE id = ?', [personal.id]);
    expect(row.token_hash).toEqual(createHash('sha256').update(personal.token).digest());
    expect(JSON.stringify(row)).not.toContain(personal.token.slice(4, 20));
    await t.http.get('/notes').set(bearer(personal.token)).expect(200);
    expect((await t.http.post('/notes').set(bearer(personal.token)).send({ title: 'x', text: 'y' }).expect(403)).body).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
    });
    const byDefault = (await create(t, token, { name: 'default expiry', scopes: [] }).expect(201)).body as PersonalToken;
    expect(Date.parse(byDefault.expiresAt) - Date.parse(byDefault.createdAt)).toBe(30 * DAY_MS);
    // No scope: only the routes that need none.
    await t.http.get('/users/me').set(bearer(byDefault.token)).expect(200);
    await t.http.get('/notes').set(bearer(byDefault.token)).expect(403);
  });

  it('lists every token with its kind, name and scopes, and never the token itself', async () => {
    const { token } = await registerVerified(t, 'lister@example.com');
    const personal = (await create(t, token, { name: 'backup script', scopes: ['notes:read'] }).expect(201)).body as PersonalToken;

    const listed = await t.http.get('/auth/tokens').set(bearer(token)).expect(200);

    const items = listed.body as Array<{ id: number; kind: string; name: string | null; scopes: string[] }>;
    expect(items.find((item) => item.id === personal.id)).toMatchObject({
      kind: 'personal',
      name: 'backup script',
      scopes: ['notes:read'],
    });
    expect(items.filter((item) => item.kind === 'session')).toEqual([
      expect.objectContaining({ name: null, scopes: grantedScopes(t).split(' '), current: true }),
    ]);
    expect(JSON.stringify(items)).not.toContain(personal.token);
  });

  it('keeps the scopes within those of the token that makes it: 400 INVALID_SCOPE otherwise', async () => {
    await registerVerified(t, 'narrow.maker@example.com');
    const narrowed = (
      await t.http.post('/auth/token').send({ email: 'narrow.maker@example.com', password: PASSWORD, scope: 'account' }).expect(200)
    ).body as { access_token: string };

    for (const scopes of [['notes:read'], ['nonsense'], ['account', 'account']]) {
      expect((await create(t, narrowed.access_token, { name: 'wider', scopes }).expect(400)).body).toMatchObject({ code: 'INVALID_SCOPE' });
    }
    await create(t, narrowed.access_token, { name: 'as narrow', scopes: ['account'] }).expect(201);
  });

  it('refuses a personal token the making of another (403 FORBIDDEN), and a session without the account scope (403 INSUFFICIENT_SCOPE)', async () => {
    const { token } = await registerVerified(t, 'no.chain@example.com');
    const personal = (await create(t, token, { name: 'with account', scopes: ['account'] }).expect(201)).body as PersonalToken;

    expect((await create(t, personal.token, { name: 'child', scopes: [] }).expect(403)).body).toMatchObject({ code: 'FORBIDDEN' });
    const reader = (
      await t.http.post('/auth/token').send({ email: 'no.chain@example.com', password: PASSWORD, scope: 'notes:read' }).expect(200)
    ).body as { access_token: string };
    expect((await create(t, reader.access_token, { name: 'x', scopes: [] }).expect(403)).body).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
    });
  });

  it('is never evicted by the sessions’ cap, and has no idle timeout', async () => {
    const { token } = await registerVerified(t, 'long.lived@example.com');
    const personal = (await create(t, token, { name: 'cron', scopes: [] }).expect(201)).body as PersonalToken;
    // The cap is 2 sessions: these logins evict the older sessions, never the personal token.
    for (let i = 0; i < 3; i++) await login(t.http, 'long.lived@example.com');
    await t.http.get('/users/me').set(bearer(personal.token)).expect(200);
    await t.http.get('/users/me').set(bearer(token)).expect(401);

    const session = await login(t.http, 'long.lived@example.com');
    t.clock.advance(2 * 3600_000);

    await t.http.get('/users/me').set(bearer(session)).expect(401);
    await t.http.get('/users/me').set(bearer(personal.token)).expect(200);
  });

  it('caps the live personal tokens of a user: 409 TOKEN_LIMIT_REACHED past MAX_PERSONAL_TOKENS_PER_USER, even in parallel', async () => {
    const { token } = await registerVerified(t, 'capped@example.com');

    const answers = await Promise.all(Array.from({ length: 6 }, (_, index) => create(t, token, { name: `token ${index}`, scopes: [] })));

    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(answers.find((answer) => answer.status === 409)?.body).toMatchObject({ code: 'TOKEN_LIMIT_REACHED' });
  });

  it('dies with a password change, and revoked by id like any token', async () => {
    const { token } = await registerVerified(t, 'changer@example.com');
    const first = (await create(t, token, { name: 'one', scopes: [] }).expect(201)).body as PersonalToken;
    const second = (await create(t, token, { name: 'two', scopes: [] }).expect(201)).body as PersonalToken;

    await t.http.delete(`/auth/tokens/${first.id}`).set(bearer(token)).expect(204);
    await t.http.get('/users/me').set(bearer(first.token)).expect(401);
    await t.http.patch('/users/me').set(bearer(token)).send({ password: 'a brand new passphrase', currentPassword: PASSWORD }).expect(200);
    await t.http.get('/users/me').set(bearer(second.token)).expect(401);
  });

  it.each([
    ['row 37: expiresInDays 0', { expiresInDays: 0 }],
    ['row 37: expiresInDays 366', { expiresInDays: 366 }],
    ['row 37: expiresInDays 1.5', { expiresInDays: 1.5 }],
    ['row 37: expiresInDays "30"', { expiresInDays: '30' }],
    ['row 38: an empty name', { name: '' }],
    ['row 38: a blank name', { name: '   ' }],
    ['row 38: a name of 300 characters', { name: 'n'.repeat(300) }],
    ['row 38: a name with CR/LF', { name: 'line\r\nbreak' }],
    ['row 38: a name with NUL', { name: 'nul\u0000' }],
    ['scopes as a string', { scopes: 'notes:read' }],
    ['scopes missing', { scopes: undefined }],
  ])('%s: 400 VALIDATION_FAILED, no token made', async (_case, change) => {
    const { token } = await registerVerified(t, `bad.${Math.random().toString(36).slice(2)}@example.com`);
    const [before] = await t.db.query<Array<{ n: string }>>("SELECT COUNT(*) AS n FROM access_tokens WHERE kind = 'personal'");

    const refused = await create(t, token, { name: 'fine', scopes: [], ...change }).expect(400);

    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const [after] = await t.db.query<Array<{ n: string }>>("SELECT COUNT(*) AS n FROM access_tokens WHERE kind = 'personal'");
    expect(after.n).toBe(before.n);
  });
});

// An application of its own, once the one above has closed: two senders on one outbox would share its messages.
describe('Personal access tokens and the password reset', () => {
  it('dies with a password reset', async () => {
    const sink = await SmtpSink.start();
    const mailing = await personalApp({ mailSink: sink });
    try {
      const { token } = await registerVerified(mailing, 'resetter@example.com');
      const personal = (await create(mailing, token, { name: 'nightly', scopes: [] }).expect(201)).body as PersonalToken;
      await mailing.http.post('/auth/password-reset').send({ email: 'resetter@example.com' }).expect(202);
      // The first message is the registration's verification link.
      const link = linkTokenOf(await sink.waitFor('resetter@example.com', 2));

      await mailing.http.post('/auth/password-reset/confirm').send({ token: link, password: 'a fresh reset passphrase' }).expect(204);

      await mailing.http.get('/users/me').set(bearer(personal.token)).expect(401);
    } finally {
      await mailing.close();
      await sink.stop();
    }
  });
});
