import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AccountStandingService } from '../src/auth/account-standing/account-standing.service';
import { NotesModule } from './fixtures/notes/notes.module';
import { setCookies, SESSION_COOKIE, cookieValue } from './support/session-cookies';
import { OpenApiDocument } from './support/served-routes';
import { totpOf } from './support/totp';
import {
  allScopes,
  bearer,
  createTestApp,
  grantedScopes,
  login,
  makeAdmin,
  PASSWORD,
  registerAndLogin,
  registerVerified,
  resetDatabase,
  TestApp,
  turnMfaOn,
  useTestApp,
} from './support/test-app';

/**
 * Scopes and roles: docs/api.md "Scopes, personal access tokens and roles",
 * security items 48-53 as far as they concern scopes and roles; bad-input row 35.
 * Another team's module (test/fixtures/notes/) declares `notes:read`,
 * `notes:write` and an admin-only route.
 */
const ORIGIN = 'https://app.example.com';
const ROOT = join(__dirname, '..');

const tokenLogin = (t: TestApp, email: string, scope?: string) =>
  t.http.post('/auth/token').send({ email, password: PASSWORD, ...(scope === undefined ? {} : { scope }) });

async function scopedToken(t: TestApp, email: string, scope: string): Promise<string> {
  const response = await tokenLogin(t, email, scope).expect(200);
  return (response.body as { access_token: string }).access_token;
}

function insufficientScope(response: { status: number; body: unknown; headers: Record<string, string> }, scopes: string): void {
  expect({ status: response.status, body: response.body, challenge: response.headers['www-authenticate'] }).toEqual({
    status: 403,
    body: { statusCode: 403, code: 'INSUFFICIENT_SCOPE', message: expect.any(String) as string },
    challenge: `Bearer error="insufficient_scope", scope="${scopes}"`,
  });
}

describe('Scopes on every token', () => {
  const t = useTestApp({ imports: [NotesModule], http: { corsOrigins: new Set([ORIGIN]) } });
  beforeAll(async () => {
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: 'scoped@example.com', password: PASSWORD }).expect(201);
  });

  it('gives a login that asks for no scope (or an empty one) every scope its user may have, and names none in the answer', async () => {
    // One after the other: each ends with DELETE /auth/tokens, which revokes every other token.
    for (const scope of [undefined, '']) {
      const response = await tokenLogin(t, 'scoped@example.com', scope).expect(200);
      expect(response.body).not.toHaveProperty('scope');
      const token = (response.body as { access_token: string }).access_token;
      await t.http.get('/notes').set(bearer(token)).expect(200);
      await t.http
        .post('/notes')
        .set(bearer(token))
        .send({ title: `t${token.slice(-6)}`, text: 'x' })
        .expect(201);
      await t.http.delete('/auth/tokens').set(bearer(token)).expect(204);
    }
  });

  it('narrows a token to the scopes asked for: the answer names them, and a route needing another gets 403 INSUFFICIENT_SCOPE (RFC 6750 §3.1)', async () => {
    const response = await tokenLogin(t, 'scoped@example.com', 'notes:read').expect(200);
    expect(response.body).toMatchObject({ scope: 'notes:read', token_type: 'bearer' });
    const token = (response.body as { access_token: string }).access_token;

    await t.http.get('/notes').set(bearer(token)).expect(200);
    insufficientScope(await t.http.post('/notes').set(bearer(token)).send({ title: 'no', text: 'x' }), 'notes:write');
    insufficientScope(await t.http.delete('/auth/tokens').set(bearer(token)), 'account');
    insufficientScope(
      await t.http.patch('/users/me').set(bearer(token)).send({ password: 'another fine phrase', currentPassword: PASSWORD }),
      'account',
    );
    insufficientScope(await t.http.post('/auth/mfa/totp').set(bearer(token)).send({ currentPassword: PASSWORD }), 'account');
    // What needs no scope.
    await t.http.get('/users/me').set(bearer(token)).expect(200);
    await t.http.get('/auth/tokens').set(bearer(token)).expect(200);
    await t.http.post('/auth/logout').set(bearer(token)).expect(204);
  });

  it('item 48: refuses a notes:read token on every route that requires the account scope, found from the API docs', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    const accountRoutes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item ?? {}).flatMap(([method, operation]) => {
        const security = (operation as { security?: Array<Record<string, string[]>> } | undefined)?.security ?? [];
        return security.some((requirement) => requirement.oauth2?.includes('account'))
          ? [{ method, path: path.replace(/\{\w+\}/g, '1') }]
          : [];
      }),
    );
    expect(accountRoutes.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual([
      'DELETE /auth/identities/1',
      'DELETE /auth/mfa',
      'DELETE /auth/passkeys/1',
      'DELETE /auth/tokens',
      'DELETE /auth/tokens/1',
      'DELETE /users/me',
      'PATCH /users/me',
      'POST /auth/identities',
      'POST /auth/mfa/recovery-codes',
      'POST /auth/mfa/totp',
      'POST /auth/mfa/totp/confirm',
      'POST /auth/passkeys',
      'POST /auth/passkeys/registration-options',
      'POST /auth/tokens',
    ]);
    const token = await scopedToken(t, 'scoped@example.com', 'notes:read');

    for (const { method, path } of accountRoutes) {
      const response = await t.http[method as 'post'](path).set(bearer(token)).send({});
      expect({
        route: `${method.toUpperCase()} ${path}`,
        status: response.status,
        challenge: response.headers['www-authenticate'],
      }).toEqual({
        route: `${method.toUpperCase()} ${path}`,
        status: 403,
        challenge: 'Bearer error="insufficient_scope", scope="account"',
      });
    }
  });

  it('narrows through the password-grant form and the cookie login alike', async () => {
    const form = await t.http
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'password', username: 'scoped@example.com', password: PASSWORD, scope: 'account notes:write' })
      .expect(200);
    expect(form.body).toMatchObject({ scope: 'account notes:write' });
    insufficientScope(await t.http.get('/notes').set(bearer((form.body as { access_token: string }).access_token)), 'notes:read');

    const cookieLogin = await t.http
      .post('/auth/cookie/login')
      .set('Origin', ORIGIN)
      .send({ email: 'scoped@example.com', password: PASSWORD, scope: 'notes:read' })
      .expect(204);
    const session = cookieValue(setCookies(cookieLogin).get(SESSION_COOKIE)!);
    await t.http.get('/notes').set('Cookie', `${SESSION_COOKIE}=${session}`).expect(200);
    // The session cookie holds the access token itself.
    insufficientScope(await t.http.post('/notes').set(bearer(session)).send({ title: 'c', text: 'x' }), 'notes:write');
  });

  it('carries the scope a login asked for through its MFA step', async () => {
    const { token } = await registerVerified(t, 'scoped-mfa@example.com');
    const { secret } = await turnMfaOn(t.http, token, t.clock.now());
    t.clock.advance(30_000);

    const started = await tokenLogin(t, 'scoped-mfa@example.com', 'notes:read').expect(403);
    const finished = await t.http
      .post('/auth/mfa/verify')
      .send({ mfaToken: (started.body as { mfaToken: string }).mfaToken, code: totpOf(secret, t.clock.now()) })
      .expect(200);

    expect(finished.body).toMatchObject({ scope: 'notes:read' });
    insufficientScope(
      await t.http
        .post('/notes')
        .set(bearer((finished.body as { access_token: string }).access_token))
        .send({ title: 'm', text: 'x' }),
      'notes:write',
    );
  });

  it.each([
    ['an unknown scope', 'notes:read nonsense'],
    ['a repeated scope', 'notes:read notes:read'],
    ['10 KB', 'notes:read '.repeat(1000)],
    ['a control character', 'notes:read\u0000'],
    ['a tab as separator', 'notes:read\taccount'],
    ['a scope the user may not hold', 'admin'],
  ])('row 35: refuses %s with 400 INVALID_SCOPE on every login route, issuing nothing', async (_case, scope) => {
    const [before] = await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM access_tokens');
    const answers = [
      await tokenLogin(t, 'scoped@example.com', scope),
      await t.http.post('/auth/token').type('form').send({ username: 'scoped@example.com', password: PASSWORD, scope }),
      await t.http.post('/auth/cookie/login').set('Origin', ORIGIN).send({ email: 'scoped@example.com', password: PASSWORD, scope }),
    ];
    for (const answer of answers) {
      expect({ status: answer.status, code: (answer.body as { code: string }).code, cookies: answer.headers['set-cookie'] }).toEqual({
        status: 400,
        code: 'INVALID_SCOPE',
        cookies: undefined,
      });
    }
    const [after] = await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM access_tokens');
    expect(after.n).toBe(before.n);
  });

  it('documents every scope in the OAuth2 password flow, and each operation’s scopes in its security requirement', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument & {
      components: { securitySchemes: { oauth2: { flows: { password: { scopes: Record<string, string> } } } } };
    };
    expect(document.components.securitySchemes.oauth2.flows.password.scopes).toEqual(allScopes(t));
    expect(allScopes(t)).toMatchObject({ 'notes:read': 'Read your notes', 'notes:write': 'Write, change and publish your notes' });
    const operation = (path: string, method: string) =>
      (document.paths[path]?.[method] ?? {}) as { security?: unknown; responses: Record<string, { description: string }> };
    expect(operation('/notes', 'get').security).toEqual([{ bearer: [] }, { oauth2: ['notes:read'] }]);
    expect(operation('/users/me', 'patch').security).toEqual([{ bearer: [] }, { oauth2: ['account'] }]);
    expect(operation('/notes', 'post').responses['403'].description.split(', ')).toContain('INSUFFICIENT_SCOPE');
    expect(operation('/notes/all', 'get').responses['403'].description.split(', ')).toEqual(
      expect.arrayContaining(['FORBIDDEN', 'INSUFFICIENT_SCOPE']),
    );
    expect(operation('/users/me', 'get').security).toBeUndefined();
  });
});

describe('Roles', () => {
  let t: TestApp;
  let roles: AccountStandingService;
  beforeAll(async () => {
    t = await createTestApp({ imports: [NotesModule] });
    roles = t.app.get(AccountStandingService);
  });
  beforeEach(() => resetDatabase(t.db));
  afterAll(() => t.close());

  it('item 52: shows the role in the user body, and refuses it and isActive in PATCH /users/me', async () => {
    const { token } = await registerAndLogin(t.http, 'role@example.com');
    expect((await t.http.get('/users/me').set(bearer(token)).expect(200)).body).toMatchObject({ role: 'user' });

    // Item 52: no mass assignment.
    for (const field of [{ role: 'admin' }, { isActive: false }]) {
      const refused = await t.http
        .patch('/users/me')
        .set(bearer(token))
        .send({ ...field, currentPassword: PASSWORD })
        .expect(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await t.http.get('/users/me').set(bearer(token)).expect(200)).body).toMatchObject({ role: 'user' });
  });

  it('refuses a @Roles("admin") route to a user with 403 FORBIDDEN whatever the scopes; an admin needs the scope too', async () => {
    const { userId, token } = await registerAndLogin(t.http, 'moderator@example.com');
    const refused = await t.http.get('/notes/all').set(bearer(token)).expect(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });

    await makeAdmin(t, userId);
    // Issued before the promotion: the role is there, the admin scope is not (the pattern of docs/extension.md).
    insufficientScope(await t.http.get('/notes/all').set(bearer(token)), 'admin notes:read');
    await t.http
      .get('/notes/all')
      .set(bearer(await login(t.http, 'moderator@example.com')))
      .expect(200);
    insufficientScope(
      await t.http.get('/notes/all').set(bearer(await scopedToken(t, 'moderator@example.com', 'admin'))),
      'admin notes:read',
    );
  });

  it('gives an admin the admin scope at login, and none to the tokens issued before the promotion', async () => {
    const { userId } = await registerAndLogin(t.http, 'promoted@example.com');
    await makeAdmin(t, userId);

    expect((await tokenLogin(t, 'promoted@example.com').expect(200)).body).not.toHaveProperty('scope');
    const rows = await t.db.query<Array<{ scopes: string }>>('SELECT scopes FROM access_tokens WHERE user_id = ? ORDER BY id', [userId]);
    expect(rows.map((row) => row.scopes)).toEqual([grantedScopes(t, 'user'), grantedScopes(t, 'admin')]);
    expect(grantedScopes(t, 'admin')).toBe(`${grantedScopes(t, 'user')} admin`.split(' ').sort().join(' '));
  });

  it('ends every token of a demoted admin at once', async () => {
    const { userId } = await registerAndLogin(t.http, 'keeper@example.com');
    await makeAdmin(t, userId);
    const other = await registerAndLogin(t.http, 'demoted@example.com');
    await makeAdmin(t, other.userId);
    const token = await login(t.http, 'demoted@example.com');

    await roles.change(other.userId, { role: 'user' }, userId);

    await t.http.get('/users/me').set(bearer(token)).expect(401);
  });

  it('keeps one active admin: of 20 parallel demotions of the last two, exactly one goes through (409 LAST_ADMIN for the rest)', async () => {
    const first = await registerAndLogin(t.http, 'admin.one@example.com');
    const second = await registerAndLogin(t.http, 'admin.two@example.com');
    await makeAdmin(t, first.userId);
    await makeAdmin(t, second.userId);

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        roles.change(index % 2 === 0 ? first.userId : second.userId, { role: 'user' }, null).then(
          (user) => (user.role === 'user' ? 'demoted' : 'unchanged'),
          (error: { code?: string }) => error.code,
        ),
      ),
    );

    const [{ n }] = await t.db.query<Array<{ n: string }>>("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND is_active = 1");
    expect(Number(n)).toBe(1);
    expect(outcomes.filter((outcome) => outcome === 'LAST_ADMIN').length).toBeGreaterThanOrEqual(9);
    expect(outcomes.every((outcome) => ['demoted', 'LAST_ADMIN'].includes(outcome ?? ''))).toBe(true);
  });
});

describe('npm run users:set-role', () => {
  const t = useTestApp();
  beforeAll(async () => {
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: 'first.admin@example.com', password: PASSWORD }).expect(201);
  });

  /** The command's own entry point, from the sources, on the worker's database. */
  const setRole = (...args: string[]) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/set-role.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', LOG_FORMAT: 'json' },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });

  it('makes the first admin (the email as typed: case and spaces do not matter), exit status 0', async () => {
    const result = await setRole(' First.Admin@Example.com ', 'admin');

    expect(result.code).toBe(0);
    const said = result.output.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));
    expect(said).toEqual(
      expect.arrayContaining([expect.objectContaining({ event: 'user.role_set', role: 'admin', userId: expect.any(Number) })]),
    );
    expect((await tokenLogin(t, 'first.admin@example.com', 'admin').expect(200)).body).toMatchObject({ scope: 'admin' });
  }, 60_000);

  it.each([
    ['an unknown email', ['nobody@example.com', 'admin'], /No account has the email nobody@example.com/],
    ['an unknown role', ['first.admin@example.com', 'root'], /Unknown role "root": one of user, admin/],
    ['no role', ['first.admin@example.com'], /usage: npm run users:set-role -- <email> <user\|admin>/],
  ])(
    'refuses %s with a message and a non-zero exit status',
    async (_case, args, message) => {
      const result = await setRole(...args);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(message);
    },
    60_000,
  );
});
