import { OAUTH_ENDPOINTS } from '../src/auth/oauth/oauth-error-members';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AccessTokensRepository } from '../src/auth/tokens/access-tokens.repository';
import { NotesModule } from './fixtures/notes/notes.module';
import { sendRaw } from './support/raw-request';
import { linkTokenOf, SmtpSink } from './support/smtp-sink';
import { INVISIBLE_CHARACTERS, OBJECT_PROTOTYPE_KEYS } from './support/request-fuzz';
import { BodyRoute, bodyRoutesOf, encodeFields } from './support/body-routes';
import { OpenApiDocument } from './support/served-routes';
import { BrowserSession, cookieLogin, CSRF_COOKIE, SESSION_COOKIE } from './support/session-cookies';
import { SoftAuthenticator } from './support/soft-authenticator';
import {
  addPasskey,
  bearer,
  createTestApp,
  deliverMail,
  login,
  makeAdmin,
  PASSWORD,
  registerAndLogin,
  registerVerified,
  resetDatabase,
  rowCounts,
  TestApp,
  turnMfaOn,
  useTestApp,
} from './support/test-app';

/**
 * The rows of docs/bad-inputs.md that apply to the account and token
 * routes, sent to every route they apply to. Each must get a clear 4xx with the
 * error body of the contract, leave the process healthy, and change no row.
 */
type Body = Record<string, unknown>;

interface BodyCase {
  row: number;
  name: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** The bad body, made from a body the route would accept. */
  body: string | Buffer | ((valid: Body) => string | Buffer);
  expected: number[];
  code?: string;
  /** Only these routes, where the row means something different elsewhere. */
  routes?: string[];
}

const json = (value: unknown) => JSON.stringify(value);
const ANY_CODE = expect.stringMatching(/^[A-Z_]+$/);
const valid = { email: 'new@example.com', password: PASSWORD };
const withField = (name: string, value: unknown) => (body: Body) => json({ ...body, [name]: value });
const without = (name: string) => (body: Body) => json(Object.fromEntries(Object.entries(body).filter(([key]) => key !== name)));
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const LINK_ROUTES = ['/auth/email-verification/confirm', '/auth/password-reset/confirm', '/users/me/email/confirm'];
/** Well formed, and no link of the database's. */
const UNKNOWN_LINK = `lnk_${'A'.repeat(43)}`;
const UNKNOWN_MFA_TOKEN = `mfa_${'A'.repeat(43)}`;

const bodyCases: BodyCase[] = [
  { row: 1, name: 'malformed JSON', body: '{"email":', expected: [400], code: 'VALIDATION_FAILED' },
  { row: 2, name: 'an empty JSON body', body: '', expected: [400], code: 'VALIDATION_FAILED' },
  ...['[]', '"x"', 'null', '1'].map((body) => ({ row: 3, name: `top-level ${body}`, body, expected: [400] })),
  { row: 4, name: 'a 1 MB body', body: json({ ...valid, pad: 'x'.repeat(1024 * 1024) }), expected: [413], code: 'PAYLOAD_TOO_LARGE' },
  {
    row: 5,
    name: 'a gzip bomb',
    headers: { 'Content-Encoding': 'gzip' },
    body: gzipSync(Buffer.from(json({ ...valid, pad: ' '.repeat(10 * 1024 * 1024) }))),
    expected: [413],
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    row: 5,
    name: 'an unknown Content-Encoding',
    headers: { 'Content-Encoding': 'x-squash' },
    body: json(valid),
    expected: [415],
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    row: 6,
    name: 'JSON sent as text/plain',
    contentType: 'text/plain',
    body: json(valid),
    expected: [415],
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { row: 6, name: 'JSON with no Content-Type', contentType: '', body: json(valid), expected: [415], code: 'UNSUPPORTED_MEDIA_TYPE' },
  {
    row: 6,
    name: 'JSON declared as UTF-16',
    contentType: 'application/json; charset=utf-16',
    body: Buffer.from(json(valid), 'utf16le'),
    expected: [415],
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { row: 7, name: 'arrays nested 10,000 deep', body: `{"email":${deepArray(10_000)}}`, expected: [400, 413] },
  {
    row: 7,
    name: 'arrays nested 5,000 deep (under the size limit)',
    body: `{"email":${deepArray(5_000)}}`,
    expected: [400],
    code: 'VALIDATION_FAILED',
  },
  {
    row: 9,
    name: 'a __proto__ key',
    body: '{"email":"p@example.com","password":"correct horse","__proto__":{"isAdmin":true}}',
    expected: [400],
  },
  {
    row: 9,
    name: 'a constructor key',
    body: '{"email":"p@example.com","password":"correct horse","constructor":{"prototype":{"x":1}}}',
    expected: [400],
  },
  ...['role', 'id', 'isActive'].map((field) => ({
    row: 10,
    name: `the unknown field ${field}`,
    body: withField(field, 1),
    expected: [400],
    code: 'VALIDATION_FAILED',
  })),
  ...[['x@example.com'], { $gt: '' }, 42, true, null].map((email) => ({
    row: 11,
    name: `email as ${json(email)}`,
    body: withField('email', email),
    expected: [400],
    code: 'VALIDATION_FAILED',
  })),
  ...[12345678, null, [], { a: 1 }].map((password) => ({
    row: 12,
    name: `password as ${json(password)}`,
    body: withField('password', password),
    expected: [400],
    code: 'VALIDATION_FAILED',
  })),
  ...['email', 'password'].map((field) => ({
    row: 13,
    name: `a missing ${field}`,
    body: without(field),
    expected: [400],
    code: 'VALIDATION_FAILED',
    routes: ['POST /auth/register', 'POST /auth/token', 'POST /auth/cookie/login'],
  })),
  {
    row: 13,
    name: 'a missing currentPassword',
    body: without('currentPassword'),
    expected: [400],
    code: 'VALIDATION_FAILED',
    routes: ['PATCH /users/me', 'DELETE /users/me', 'POST /auth/mfa/totp', 'DELETE /auth/mfa', 'POST /auth/mfa/recovery-codes'],
  },
  {
    row: 13,
    name: 'a missing mfaToken',
    body: without('mfaToken'),
    expected: [400],
    code: 'VALIDATION_FAILED',
    routes: ['POST /auth/mfa/verify'],
  },
  {
    row: 13,
    name: 'a missing token',
    body: without('token'),
    expected: [400],
    code: 'VALIDATION_FAILED',
    routes: LINK_ROUTES.map((path) => `POST ${path}`),
  },
  {
    row: 13,
    name: 'a missing email',
    body: without('email'),
    expected: [400],
    code: 'VALIDATION_FAILED',
    routes: ['POST /auth/password-reset'],
  },
  ...['nul\u0000@example.com', 'cr\r\nlf@example.com', 'tab\t@example.com'].map((email) => ({
    row: 14,
    name: `email with a control character ${json(email)}`,
    body: withField('email', email),
    expected: [400],
    code: 'VALIDATION_FAILED',
  })),
  {
    row: 16,
    name: 'an email over 254 characters',
    body: withField('email', `${'a'.repeat(60)}@${['b'.repeat(63), 'c'.repeat(63), 'd'.repeat(63)].join('.')}.com`),
    expected: [400],
    code: 'VALIDATION_FAILED',
  },
  {
    row: 16,
    name: 'a local part over 64 characters',
    body: withField('email', `${'a'.repeat(65)}@example.com`),
    expected: [400],
    code: 'VALIDATION_FAILED',
  },
  {
    row: 18,
    name: "the email ' OR '1'='1'--@x.io",
    body: withField('email', "' OR '1'='1'--@x.io"),
    expected: [400],
    code: 'VALIDATION_FAILED',
  },
  {
    row: 19,
    name: 'a lone surrogate in the email',
    body: '{"email":"\\ud800abc@example.com","password":"correct horse"}',
    expected: [400],
    code: 'VALIDATION_FAILED',
  },
  {
    row: 19,
    name: 'a lone surrogate in the password',
    body: '{"email":"s@example.com","password":"\\ud800abcdefghij"}',
    expected: [400],
    code: 'VALIDATION_FAILED',
  },
  {
    row: 20,
    name: 'a 10 MB password',
    body: json({ email: 'x@example.com', password: 'p'.repeat(10 * 1024 * 1024) }),
    expected: [413],
    code: 'PAYLOAD_TOO_LARGE',
  },
];

describe('Bad inputs (docs/bad-inputs.md)', () => {
  let t: TestApp;
  let token: string;
  let before: { users: number; tokens: number };

  const routes = [
    { name: 'POST /auth/register', method: 'POST', path: '/auth/register', authenticated: false, valid },
    { name: 'POST /auth/token', method: 'POST', path: '/auth/token', authenticated: false, valid },
    { name: 'POST /auth/cookie/login', method: 'POST', path: '/auth/cookie/login', authenticated: false, valid },
    { name: 'PATCH /users/me', method: 'PATCH', path: '/users/me', authenticated: true, valid: { ...valid, currentPassword: PASSWORD } },
    { name: 'DELETE /users/me', method: 'DELETE', path: '/users/me', authenticated: true, valid: { currentPassword: PASSWORD } },
    {
      name: 'POST /auth/password-reset',
      method: 'POST',
      path: '/auth/password-reset',
      authenticated: false,
      valid: { email: valid.email },
    },
    ...LINK_ROUTES.map((path) => ({
      name: `POST ${path}`,
      method: 'POST',
      path,
      authenticated: false,
      valid: { token: UNKNOWN_LINK, ...(path === '/auth/password-reset/confirm' ? { password: valid.password } : {}) },
    })),
    { name: 'POST /auth/mfa/totp', method: 'POST', path: '/auth/mfa/totp', authenticated: true, valid: { currentPassword: PASSWORD } },
    { name: 'POST /auth/tokens', method: 'POST', path: '/auth/tokens', authenticated: true, valid: { name: 'script', scopes: [] } },
    {
      name: 'POST /auth/passkeys/registration-options',
      method: 'POST',
      path: '/auth/passkeys/registration-options',
      authenticated: true,
      valid: { currentPassword: PASSWORD },
    },
    { name: 'POST /auth/mfa/totp/confirm', method: 'POST', path: '/auth/mfa/totp/confirm', authenticated: true, valid: { code: '123456' } },
    {
      name: 'DELETE /auth/mfa',
      method: 'DELETE',
      path: '/auth/mfa',
      authenticated: true,
      valid: { currentPassword: PASSWORD, code: '123456' },
    },
    {
      name: 'POST /auth/mfa/recovery-codes',
      method: 'POST',
      path: '/auth/mfa/recovery-codes',
      authenticated: true,
      valid: { currentPassword: PASSWORD, code: '123456' },
    },
    {
      name: 'POST /auth/mfa/verify',
      method: 'POST',
      path: '/auth/mfa/verify',
      authenticated: false,
      valid: { mfaToken: UNKNOWN_MFA_TOKEN, code: '123456' },
    },
  ];

  beforeAll(async () => {
    t = await createTestApp();
    await resetDatabase(t.db);
    // Verified: the routes that add a credential answer only then, and must answer these rows.
    ({ token } = await registerVerified(t, 'owner@example.com'));
    before = await rowCounts(t.db);
  });
  afterAll(() => t.close());

  afterEach(async () => {
    await t.http.get('/health').expect(200);
    expect(await rowCounts(t.db)).toEqual(before);
  });

  const cases = bodyCases.flatMap((bodyCase) =>
    routes
      .filter((route) => !bodyCase.routes || bodyCase.routes.includes(route.name))
      .map((route) => [bodyCase.row, bodyCase.name, route.name, bodyCase, route] as const),
  );

  it.each(cases)('row %i, %s, to %s: a clear 4xx and no change', async (_row, _name, _route, bodyCase, route) => {
    const headers = Object.entries(bodyCase.headers ?? {}).flat();
    if (bodyCase.contentType !== '') headers.push('Content-Type', bodyCase.contentType ?? 'application/json');
    if (route.authenticated) headers.push('Authorization', `Bearer ${token}`);

    const body = typeof bodyCase.body === 'function' ? bodyCase.body(route.valid) : bodyCase.body;

    const response = await sendRaw(t, { method: route.method, path: route.path, headers, body });

    expect(bodyCase.expected).toContain(response.status);
    expect(response.body).toEqual(
      expect.objectContaining({
        statusCode: response.status,
        code: bodyCase.code ?? ANY_CODE,
        message: expect.any(String),
      }),
    );
    expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(js|ts):\d+|ER_|SELECT|INSERT|mysql:\/\//);
  });

  it('row 9: a __proto__ key pollutes nothing for later requests', async () => {
    await t.http.post('/auth/register').set('Content-Type', 'application/json').send('{"__proto__":{"polluted":true}}').expect(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await t.http.get('/users/me').set(bearer(token)).expect(200);
  });

  it('row 21: headers over 16 KiB get 431', async () => {
    const response = await t.http.get('/users/me').set('X-Padding', 'x'.repeat(17 * 1024));
    expect(response.status).toBe(431);
  });

  it.each([
    ['PUT', '/auth/token'],
    ['GET', '/auth/register'],
    ['PUT', '/auth/logout'],
  ] as const)('row 29: %s on %s (a POST-only route) gets 404 NOT_FOUND', async (method, path) => {
    const response = await t.http[method.toLowerCase() as 'put' | 'get'](path).set(bearer(token));
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('NOT_FOUND');
  });

  it('row 29: TRACE on a POST-only route gets 404 (with no body, as TRACE answers go)', async () => {
    const response = await t.http.trace('/auth/token').set(bearer(token));
    expect(response.status).toBe(404);
  });

  it('row 6: a chunked body of no bytes and no Content-Type is no body (bytes without a type get 415 above)', async () => {
    const empty = await sendRaw(t, {
      method: 'POST',
      path: '/auth/logout',
      headers: ['Authorization', `Bearer ${token}x`, 'Transfer-Encoding', 'chunked'],
    });
    expect(empty.status).toBe(401);
  });

  it('row 30: ?access_token=<valid> is ignored (401)', async () => {
    await t.http.get(`/users/me?access_token=${token}`).expect(401);
  });

  it.each(['abc', '99999999999999999999999'])('row 31: DELETE /auth/tokens/%s gets 404', async (id) => {
    await t.http.delete(`/auth/tokens/${id}`).set(bearer(token)).expect(404);
  });
});

describe('Bad inputs with a documented outcome (rows 8, 15, 17)', () => {
  const t = useTestApp();

  beforeEach(() => resetDatabase(t.db));

  it('row 8: duplicate keys follow JSON.parse, the last one wins', async () => {
    const response = await t.http
      .post('/auth/register')
      .set('Content-Type', 'application/json')
      .send(`{"email":"first@example.com","email":"last@example.com","password":"${PASSWORD}"}`)
      .expect(201);
    expect(response.body.email).toBe('last@example.com');
  });

  it("row 15: o'brien@example.com gets a clean 201 and logs in, never a charset error", async () => {
    const email = "o'brien@example.com";
    const response = await t.http.post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    expect(response.body.email).toBe(email);
    await t.http.post('/auth/token').send({ email, password: PASSWORD }).expect(200);
  });

  it('row 15: 😀@example.com gets a clean 400, never a charset error', async () => {
    const response = await t.http.post('/auth/register').send({ email: '😀@example.com', password: PASSWORD }).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['fullwidth', 'ｕｓｅｒ@example.com', 'user@example.com'],
    ['NFD', 'jose\u0301@x.io', 'jos\u00e9@x.io'],
    ['surrounding spaces', ' user@x.io ', 'user@x.io'],
  ])('row 17: a %s email is normalised the same way every time', async (_case, typed, stored) => {
    const response = await t.http.post('/auth/register').send({ email: typed, password: PASSWORD }).expect(201);
    expect(response.body.email).toBe(stored);
    await t.http.post('/auth/register').send({ email: stored, password: PASSWORD }).expect(409);
    await t.http.post('/auth/register').send({ email: typed, password: PASSWORD }).expect(409);
    await t.http.post('/auth/token').send({ email: typed, password: PASSWORD }).expect(200);
    await t.http.post('/auth/token').send({ email: stored, password: PASSWORD }).expect(200);
  });
});

/**
 * The header rows (21-28), sent to every route that needs authentication:
 * each gets its clear 4xx, no handler runs, the process stays healthy and no
 * row changes.
 */
describe('Bad headers on every guarded route (rows 21-28)', () => {
  const ALLOWED_ORIGIN = 'https://app.example.com';
  let t: TestApp;
  let token: string;
  let session: BrowserSession;
  let before: { users: number; tokens: number };

  interface Credentials {
    token: string;
    session: BrowserSession;
  }
  interface HeaderCase {
    row: number;
    name: string;
    headers: (credentials: Credentials) => string[];
    expected: number[];
    /** Refused from its shape alone, before any database query. */
    noQuery?: boolean;
    /** Only meaningful for state-changing routes (CSRF). */
    writesOnly?: boolean;
  }

  const guardedRoutes = [
    { method: 'GET', path: '/users/me' },
    { method: 'PATCH', path: '/users/me', body: { email: 'changed@example.com', currentPassword: PASSWORD } },
    { method: 'GET', path: '/auth/tokens' },
    { method: 'DELETE', path: '/auth/tokens/1' },
    { method: 'DELETE', path: '/auth/tokens' },
    { method: 'POST', path: '/auth/logout' },
    { method: 'POST', path: '/auth/cookie/logout' },
    { method: 'GET', path: '/auth/cookie/csrf' },
    { method: 'POST', path: '/auth/email-verification' },
    { method: 'DELETE', path: '/users/me', body: { currentPassword: PASSWORD } },
    { method: 'POST', path: '/auth/mfa/totp', body: { currentPassword: PASSWORD } },
    { method: 'POST', path: '/auth/mfa/totp/confirm', body: { code: '123456' } },
    { method: 'DELETE', path: '/auth/mfa', body: { currentPassword: PASSWORD, code: '123456' } },
    { method: 'POST', path: '/auth/mfa/recovery-codes', body: { currentPassword: PASSWORD, code: '123456' } },
    { method: 'POST', path: '/auth/tokens', body: { name: 'script', scopes: [] } },
    { method: 'GET', path: '/users/me/security-events' },
    { method: 'GET', path: '/admin/users' },
    { method: 'PATCH', path: '/admin/users/1', body: { isActive: true } },
    { method: 'GET', path: '/admin/security-events' },
  ];
  const isWrite = (method: string) => method !== 'GET';

  const headerCases: HeaderCase[] = [
    { row: 21, name: 'Bearer and 10 KB', headers: () => ['Authorization', `Bearer ${'A'.repeat(10_240)}`], expected: [401], noQuery: true },
    { row: 23, name: 'two spaces', headers: ({ token }) => ['Authorization', `Bearer  ${token}`], expected: [400, 401], noQuery: true },
    {
      row: 23,
      name: 'a trailing word',
      headers: ({ token }) => ['Authorization', `Bearer ${token} x`],
      expected: [400, 401],
      noQuery: true,
    },
    { row: 23, name: 'the Token scheme', headers: ({ token }) => ['Authorization', `Token ${token}`], expected: [400, 401], noQuery: true },
    {
      row: 23,
      name: 'two credentials in one header',
      headers: ({ token }) => ['Authorization', `Bearer ${token},Bearer ${token}`],
      expected: [400, 401],
      noQuery: true,
    },
    {
      row: 23,
      name: 'two Authorization headers',
      headers: ({ token }) => ['Authorization', `Bearer ${token}`, 'Authorization', `Bearer ${token}`],
      expected: [400, 401],
      noQuery: true,
    },
    {
      row: 24,
      name: 'a token with %00',
      headers: ({ token }) => ['Authorization', `Bearer ${token.slice(0, 20)}%00${token.slice(23)}`],
      expected: [401],
      noQuery: true,
    },
    {
      row: 24,
      name: 'non-base64url characters',
      headers: ({ token }) => ['Authorization', `Bearer ${token.slice(0, 20)}!*${token.slice(22)}`],
      expected: [401],
      noQuery: true,
    },
    { row: 24, name: 'a token of length 1', headers: () => ['Authorization', 'Bearer x'], expected: [401], noQuery: true },
    {
      row: 24,
      name: 'a token of length 1,000',
      headers: () => ['Authorization', `Bearer nat_${'a'.repeat(996)}`],
      expected: [401],
      noQuery: true,
    },
    {
      row: 25,
      name: 'a broken percent-encoded session cookie',
      headers: () => ['Cookie', `${SESSION_COOKIE}=%E0%A4%A; ${CSRF_COOKIE}=%`],
      expected: [401],
      noQuery: true,
    },
    {
      row: 25,
      name: 'the session cookie twice',
      headers: ({ session }) => ['Cookie', `${SESSION_COOKIE}=${session.token}; ${SESSION_COOKIE}=${session.token}`],
      expected: [401],
      noQuery: true,
    },
    {
      row: 25,
      name: 'the session cookie in two Cookie headers',
      headers: ({ session }) => ['Cookie', `${SESSION_COOKIE}=${session.token}`, 'Cookie', `${SESSION_COOKIE}=${session.token}`],
      expected: [401],
      noQuery: true,
    },
    {
      row: 25,
      name: 'a 4 KB session cookie',
      headers: () => ['Cookie', `${SESSION_COOKIE}=${'a'.repeat(4096)}`],
      expected: [401],
      noQuery: true,
    },
    {
      row: 26,
      name: 'an empty X-CSRF-Token',
      headers: (c) => ['Cookie', c.session.cookie, 'X-CSRF-Token', ''],
      expected: [403],
      writesOnly: true,
    },
    {
      row: 26,
      name: 'X-CSRF-Token twice',
      headers: (c) => ['Cookie', c.session.cookie, 'X-CSRF-Token', c.session.csrf, 'X-CSRF-Token', c.session.csrf],
      expected: [403],
      writesOnly: true,
    },
    {
      row: 26,
      name: 'a 10 KB X-CSRF-Token',
      headers: (c) => ['Cookie', c.session.cookie, 'X-CSRF-Token', 'x'.repeat(10_240)],
      expected: [403],
      writesOnly: true,
    },
  ];

  beforeAll(async () => {
    t = await createTestApp({ http: { corsOrigins: new Set([ALLOWED_ORIGIN]) } });
    await resetDatabase(t.db);
    // An admin, so that the admin routes answer the good requests of these rows too.
    const { userId } = await registerAndLogin(t.http, 'owner@example.com');
    await makeAdmin(t, userId);
    token = await login(t.http, 'owner@example.com');
    session = await cookieLogin(t.http, 'owner@example.com');
    before = await rowCounts(t.db);
  });
  afterAll(() => t.close());

  afterEach(async () => {
    await t.http.get('/health').expect(200);
    expect(await rowCounts(t.db)).toEqual(before);
    await t.http.get('/users/me').set(bearer(token)).expect(200);
  });

  const send = (route: (typeof guardedRoutes)[number], headers: string[]) => {
    // An empty body still says so (Content-Length: 0): Node would otherwise send a chunked one.
    if (route.body === undefined) return sendRaw(t, { method: route.method, path: route.path, headers, body: '' });
    return sendRaw(t, {
      method: route.method,
      path: route.path,
      headers: [...headers, 'Content-Type', 'application/json'],
      body: JSON.stringify(route.body),
    });
  };

  const cases = headerCases.flatMap((headerCase) =>
    guardedRoutes
      .filter((route) => !headerCase.writesOnly || isWrite(route.method))
      .map((route) => [headerCase.row, headerCase.name, `${route.method} ${route.path}`, headerCase, route] as const),
  );

  it.each(cases)('row %i, %s, to %s: a clear 4xx and no change', async (_row, _name, _route, headerCase, route) => {
    const lookup = jest.spyOn(t.app.get(AccessTokensRepository), 'findWithOwnerByDigest');
    try {
      const response = await send(route, headerCase.headers({ token, session }));
      expect(headerCase.expected).toContain(response.status);
      expect(response.body).toEqual(
        expect.objectContaining({ statusCode: response.status, code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) }),
      );
      // A case refused from its shape alone must not have reached the token lookup.
      expect(headerCase.noQuery ? lookup.mock.calls.length : 0).toBe(0);
    } finally {
      lookup.mockRestore();
    }
  });

  it.each(['GET /users/me', 'GET /auth/tokens'])('row 22: bearer in lower case is accepted on %s', async (route) => {
    const [method, path] = route.split(' ');
    const response = await sendRaw(t, { method, path, headers: ['Authorization', `bearer ${token}`] });
    expect(response.status).toBe(200);
  });

  it.each([
    ['null', 'null'],
    ['a bare scheme', 'https://'],
    ['5 KB', `https://${'a'.repeat(5 * 1024)}.example.com`],
  ])('row 27: Origin %s gets no CORS grant, on simple requests and preflights', async (_case, origin) => {
    for (const route of [...guardedRoutes, { method: 'POST', path: '/auth/token' }, { method: 'GET', path: '/health' }]) {
      const simple = await sendRaw(t, { method: route.method, path: route.path, headers: ['Origin', origin] });
      const preflight = await sendRaw(t, {
        method: 'OPTIONS',
        path: route.path,
        headers: ['Origin', origin, 'Access-Control-Request-Method', route.method],
      });
      for (const response of [simple, preflight]) {
        expect(response.status).toBeLessThan(500);
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
      }
    }
  });

  it.each(['garbage', '999.999.1.1, <script>', ', , ,', 'x'.repeat(2048)])(
    'row 28: X-Forwarded-For %j is ignored without a trusted proxy',
    async (forwarded) => {
      for (const route of guardedRoutes.filter((candidate) => !isWrite(candidate.method))) {
        const response = await sendRaw(t, {
          method: route.method,
          path: route.path,
          headers: ['Authorization', `Bearer ${token}`, 'X-Forwarded-For', forwarded],
        });
        expect(response.status).toBe(200);
      }
      const login = await t.http
        .post('/auth/token')
        .set('X-Forwarded-For', forwarded)
        .send({ email: 'owner@example.com', password: 'wrong password' });
      expect(login.status).toBe(401);
      // One client counter for every case, whatever X-Forwarded-For said: the socket's address.
      const clientCounters = await t.db.query('SELECT key_hash FROM throttle_counters WHERE key_hash = ?', [
        createHash('sha256').update('login-client\u0000127.0.0.1').digest(),
      ]);
      expect(clientCounters).toHaveLength(1);
      // And no other: the registration's (per client), its verification mail's (per user and per address), the login's account and client.
      const [all] = await t.db.query('SELECT COUNT(*) AS n FROM throttle_counters');
      expect(Number(all.n)).toBe(5);
    },
  );

  it('row 28: garbage X-Forwarded-For behind a trusted proxy still gets a clean answer', async () => {
    const proxied = await createTestApp({ http: { trustProxy: ['loopback'] } });
    try {
      for (const forwarded of ['garbage', '999.999.1.1, <script>', ', , ,']) {
        const response = await proxied.http
          .post('/auth/token')
          .set('X-Forwarded-For', forwarded)
          .send({ email: 'owner@example.com', password: 'wrong password' });
        expect(response.status).toBe(401);
      }
    } finally {
      await proxied.close();
    }
  });
});

/**
 * Rows 10 and 14 on every route that takes a body, found from the router and
 * the OpenAPI document rather than listed, so that a route added tomorrow is
 * checked tomorrow: a field named after a member of Object.prototype is an
 * unknown field like any other, and an address holding an invisible
 * character is refused in every field the document calls an email.
 */
describe('Bad inputs on every route that takes a body (rows 10 and 14)', () => {
  let t: TestApp;
  let token: string;
  let routes: BodyRoute[];
  let before: { users: number; tokens: number };

  beforeAll(async () => {
    t = await createTestApp({ imports: [NotesModule] });
    await resetDatabase(t.db);
    // A verified admin, with every scope: the admin routes' bodies, and those that add a credential, are checked past their guard.
    const { userId } = await registerVerified(t, 'owner@example.com');
    await makeAdmin(t, userId);
    token = await login(t.http, 'owner@example.com');
    routes = bodyRoutesOf(t, (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument);
    before = await rowCounts(t.db);
  });
  afterAll(() => t.close());

  afterEach(async () => {
    await t.http.get('/health').expect(200);
    expect(await rowCounts(t.db)).toEqual(before);
  });

  const send = (route: BodyRoute, mediaType: string, body: Record<string, unknown>) =>
    sendRaw(t, {
      method: route.method,
      path: route.path,
      headers: ['Content-Type', mediaType, ...(route.secured ? ['Authorization', `Bearer ${token}`] : [])],
      body: encodeFields(mediaType, body),
    });

  it('finds the body routes of the service and of another team', () => {
    expect(routes.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['POST /auth/register', 'POST /auth/token', 'POST /auth/cookie/login', 'PATCH /users/me', 'POST /notes']),
    );
    expect(routes.find(({ path }) => path === '/auth/token')?.emailFields.sort()).toEqual(['email', 'username']);
  });

  it('row 10: refuses every Object.prototype member as a field, naming it, on every such route and body type', async () => {
    for (const route of routes) {
      for (const [mediaType, fields] of Object.entries(route.fields)) {
        for (const key of OBJECT_PROTOTYPE_KEYS) {
          const response = await send(route, mediaType, { [fields[0]]: 'x', [key]: 1 });
          const named = ((response.body as { errors?: Array<{ field: string }> }).errors ?? []).map(({ field }) => field);
          expect({ route: `${route.method} ${route.path}`, mediaType, key, status: response.status, named: named.includes(key) }).toEqual({
            route: `${route.method} ${route.path}`,
            mediaType,
            key,
            status: 400,
            named: true,
          });
        }
      }
    }
  });

  it('row 14: refuses an address with an invisible character anywhere in it, in every email field of every such route', async () => {
    const addresses = INVISIBLE_CHARACTERS.flatMap((character) => [
      `${character}mallory@example.com`,
      `mal${character}lory@example.com`,
      `mallory@exam${character}ple.com`,
      `mallory@example.com${character}`,
    ]);
    for (const route of routes.filter(({ emailFields }) => emailFields.length > 0)) {
      for (const [mediaType, fields] of Object.entries(route.fields)) {
        for (const field of route.emailFields.filter((name) => fields.includes(name))) {
          for (const address of addresses) {
            const response = await send(route, mediaType, { [field]: address });
            const errors = (response.body as { errors?: Array<{ field: string; message: string }> }).errors ?? [];
            expect({
              route: `${route.method} ${route.path}`,
              field,
              address,
              status: response.status,
              named: errors.some((error) => error.field === field && /invisible/.test(error.message)),
            }).toEqual({
              route: `${route.method} ${route.path}`,
              field,
              address,
              status: 400,
              named: true,
            });
          }
        }
      }
    }
  });
});

/**
 * Row 32 on every route whose body carries a link `token`, found from the
 * OpenAPI document: an empty, a 10 KB, a wrong-alphabet, an unknown and
 * another purpose's token all get 400 INVALID_LINK and write nothing, and
 * the real links stay usable. A new link route fails here until it says
 * which purpose it takes.
 */
describe('Bad link tokens on every route that takes one (row 32)', () => {
  const PURPOSE_OF_ROUTE: Record<string, 'verify' | 'reset' | 'change'> = {
    'POST /auth/email-verification/confirm': 'verify',
    'POST /auth/password-reset/confirm': 'reset',
    'POST /users/me/email/confirm': 'change',
  };
  let sink: SmtpSink;
  let t: TestApp;
  let owner: string;
  let routes: BodyRoute[];
  let links: Record<'verify' | 'reset' | 'change', string>;
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all(
        ['users', 'access_tokens', 'link_tokens', 'mail_outbox'].map((table) => t.db.query(`SELECT * FROM ${table} ORDER BY id`)),
      ),
    );
  let before: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({ mailSink: sink });
    await resetDatabase(t.db);
    // An address of this suite's own: the sender may still deliver what the suites before it left in the outbox.
    ({ token: owner } = await registerAndLogin(t.http, 'row32@example.com'));
    const verify = linkTokenOf(await sink.waitFor('row32@example.com', 1));
    await t.http.post('/auth/password-reset').send({ email: 'row32@example.com' }).expect(202);
    const reset = linkTokenOf(await sink.waitFor('row32@example.com', 2));
    await t.http.patch('/users/me').set(bearer(owner)).send({ email: 'row32.next@example.com', currentPassword: PASSWORD }).expect(200);
    links = { verify, reset, change: linkTokenOf(await sink.waitFor('row32.next@example.com')) };
    // The OAuth endpoints' `token` is an access or refresh token, not a link's (row 41, test/oauth/).
    routes = bodyRoutesOf(t, (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument).filter(
      ({ fields, path }) => Object.values(fields).some((names) => names.includes('token')) && !OAUTH_ENDPOINTS.has(path),
    );
    await deliverMail(t);
    before = await snapshot();
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('finds every link route, and knows the purpose of each', () => {
    expect(routes.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(Object.keys(PURPOSE_OF_ROUTE).sort());
  });

  it('refuses each bad token with 400 INVALID_LINK in JSON and in a form, and writes nothing', async () => {
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      const purpose = PURPOSE_OF_ROUTE[name];
      const bad = {
        empty: '',
        '10 KB': `lnk_${'A'.repeat(10_240)}`,
        'wrong alphabet': `lnk_${'+/=.'.repeat(11).slice(0, 43)}`,
        unknown: `lnk_${'A'.repeat(43)}`,
        ...Object.fromEntries(
          Object.entries(links)
            .filter(([other]) => other !== purpose)
            .map(([other, token]) => [`a ${other} link`, token]),
        ),
      };
      for (const [mediaType, fields] of Object.entries(route.fields)) {
        for (const [kind, token] of Object.entries(bad)) {
          const body = { token, ...(fields.includes('password') ? { password: 'a fresh and valid phrase' } : {}) };
          const response = await sendRaw(t, {
            method: route.method,
            path: route.path,
            headers: ['Content-Type', mediaType, ...(route.secured ? ['Authorization', `Bearer ${owner}`] : [])],
            body: encodeFields(mediaType, body),
          });
          expect({ name, mediaType, kind, status: response.status, code: (response.body as { code?: string }).code }).toEqual({
            name,
            mediaType,
            kind,
            status: 400,
            code: 'INVALID_LINK',
          });
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('leaves every real link usable', async () => {
    await t.http.post('/auth/email-verification/confirm').send({ token: links.verify }).expect(200);
    // Past its link, a reset refuses a password that holds the address (and leaves the link usable); a 400 INVALID_LINK
    // would come first. Used up, it would cancel the pending change, whose confirmation would then kill it in turn.
    const resetPastItsLink = await t.http
      .post('/auth/password-reset/confirm')
      .send({ token: links.reset, password: 'row32 is my name' })
      .expect(400);
    expect(resetPastItsLink.body.code).toBe('VALIDATION_FAILED');
    await t.http.post('/users/me/email/confirm').send({ token: links.change }).expect(200);
  });
});

/**
 * Row 33 on every route whose body carries a second-factor `code`, found from
 * the OpenAPI document: a number or an oversized string gets 400; a string
 * that is no code gets 403 INVALID_MFA_CODE and counts as a failed login of
 * the account. Nothing else changes: MFA stays on, no token, no account goes.
 */
describe('Bad second-factor codes on every route that takes one (row 33)', () => {
  const CODE_ROUTES = [
    'DELETE /auth/mfa',
    'DELETE /users/me',
    'POST /auth/mfa/recovery-codes',
    'POST /auth/mfa/totp/confirm',
    'POST /auth/mfa/verify',
    'POST /auth/passkeys/registration-options',
  ];
  const BAD_CODES: Array<[string, unknown]> = [
    ['a number', 123456],
    ['null', null],
    ['five digits', '12345'],
    ['seven digits', '1234567'],
    ['letters', 'abcdef'],
    ['10 KB', '1'.repeat(10_240)],
  ];
  const mfaUser = 'row33@example.com';
  const pendingUser = 'row33.pending@example.com';
  let t: TestApp;
  let routes: BodyRoute[];
  const tokens: Record<string, string> = {};
  const accountFailures = async (email: string) => {
    const key = createHash('sha256').update(`login-account\0${email}`).digest();
    const rows = await t.db.query<Array<{ hits: number }>>('SELECT hits FROM throttle_counters WHERE key_hash = ?', [key]);
    return rows[0]?.hits ?? 0;
  };
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all(
        ['users', 'access_tokens', 'totp_factors', 'mfa_recovery_codes'].map((table) => t.db.query(`SELECT * FROM ${table} ORDER BY 1`)),
      ),
    );

  beforeAll(async () => {
    t = await createTestApp({ throttling: { loginFailuresPerAccount: 1000 } });
    await resetDatabase(t.db);
    ({ token: tokens[mfaUser] } = await registerVerified(t, mfaUser));
    await turnMfaOn(t.http, tokens[mfaUser], t.clock.now());
    ({ token: tokens[pendingUser] } = await registerVerified(t, pendingUser));
    await t.http.post('/auth/mfa/totp').set(bearer(tokens[pendingUser])).send({ currentPassword: PASSWORD }).expect(200);
    // POST /auth/providers/token's code is a provider flow's one-time code, not a second factor's (row 39 covers it).
    routes = bodyRoutesOf(t, (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument).filter(
      ({ path, fields }) => path !== '/auth/providers/token' && Object.values(fields).some((names) => names.includes('code')),
    );
  });
  afterAll(() => t.close());

  it('finds every route that takes a code', () => {
    expect(routes.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(CODE_ROUTES);
  });

  it('refuses each bad code with 400, or 403 INVALID_MFA_CODE counted as a failure, in JSON and in a form, and changes nothing else', async () => {
    const before = await snapshot();
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      const owner = name === 'POST /auth/mfa/totp/confirm' ? pendingUser : mfaUser;
      for (const [mediaType, fields] of Object.entries(route.fields)) {
        for (const [kind, code] of BAD_CODES) {
          const body: Record<string, unknown> = { code };
          if (fields.includes('currentPassword')) body.currentPassword = PASSWORD;
          if (fields.includes('mfaToken')) {
            const started = await t.http.post('/auth/token').send({ email: owner, password: PASSWORD }).expect(403);
            body.mfaToken = (started.body as { mfaToken: string }).mfaToken;
          }
          const failuresBefore = await accountFailures(owner);
          const response = await sendRaw(t, {
            method: route.method,
            path: route.path,
            headers: ['Content-Type', mediaType, ...(route.secured ? ['Authorization', `Bearer ${tokens[owner]}`] : [])],
            body: encodeFields(mediaType, body),
          });
          const { code: answered } = response.body as { code?: string };
          const counted = (await accountFailures(owner)) - failuresBefore;
          // A form carries every value as text: its number is a six-digit string, a wrong code like the others.
          const refusedByShape = kind === '10 KB' || (kind === 'a number' && mediaType === 'application/json');
          expect({ name, mediaType, kind, status: response.status, code: answered, counted }).toEqual(
            refusedByShape
              ? { name, mediaType, kind, status: 400, code: 'VALIDATION_FAILED', counted: 0 }
              : { name, mediaType, kind, status: 403, code: 'INVALID_MFA_CODE', counted: 1 },
          );
        }
      }
    }
    expect(await snapshot()).toBe(before);
    await t.http.get('/health').expect(200);
  });
});

describe('Bad WebAuthn responses on every route that takes one (row 34)', () => {
  const RESPONSE_ROUTES = ['POST /auth/cookie/passkey-login', 'POST /auth/passkeys', 'POST /auth/passkeys/authentication'];
  const ORIGIN = 'http://localhost:3000';
  let t: TestApp;
  let token: string;
  let authenticator: SoftAuthenticator;
  let routes: BodyRoute[];
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all(['users', 'access_tokens', 'passkeys'].map((table) => t.db.query(`SELECT * FROM ${table} ORDER BY 1`))),
    );
  const isRegistration = (route: BodyRoute) => route.path === '/auth/passkeys';
  type Ceremony = 'registration' | 'authentication';
  const BOTH: Ceremony[] = ['registration', 'authentication'];

  /** A live challenge of the route's ceremony, so that a response gets past it to the parts the library reads. */
  async function liveChallenge(route: BodyRoute): Promise<{ challenge: string }> {
    const response = isRegistration(route)
      ? await t.http.post('/auth/passkeys/registration-options').set(bearer(token)).send({ currentPassword: PASSWORD }).expect(200)
      : await t.http.post('/auth/passkeys/authentication-options').expect(200);
    return response.body as { challenge: string };
  }

  /** A well-formed response of the route's ceremony for a live challenge, with `damage` applied to its `response` part. */
  async function damaged(route: BodyRoute, damage: Record<string, unknown>): Promise<Record<string, unknown>> {
    const options = await liveChallenge(route);
    const valid = isRegistration(route)
      ? authenticator.register({ challenge: options.challenge, rp: { id: 'localhost' }, user: { id: 'dQ' } }).response
      : authenticator.authenticate(options);
    return { ...valid, response: { ...(valid.response as object), ...damage } };
  }

  const randomBase64url = (bytes: number) => randomBytes(bytes).toString('base64url');
  /** Each bad response, and the ceremonies whose responses have the part it spoils (a login's has no attestationObject). */
  const BAD_RESPONSES: Array<[string, Ceremony[], (route: BodyRoute) => unknown]> = [
    ['a string', BOTH, () => 'x'],
    ['a number', BOTH, () => 42],
    ['an array', BOTH, () => [{ id: 'AAAA' }]],
    ['null', BOTH, () => null],
    ['true', BOTH, () => true],
    ['an empty object', BOTH, () => ({})],
    ['an id in standard base64', BOTH, () => ({ id: 'ab+/cd==', rawId: 'ab+/cd==', type: 'public-key', response: {} })],
    ['an id of 2,000 bytes', BOTH, () => ({ id: randomBase64url(2000), rawId: 'x', type: 'public-key', response: {} })],
    ['clientDataJSON not base64url', BOTH, (route) => damaged(route, { clientDataJSON: 'not base64url!' })],
    ['clientDataJSON not JSON', BOTH, (route) => damaged(route, { clientDataJSON: randomBase64url(40) })],
    ['attestationObject of CBOR garbage', ['registration'], (route) => damaged(route, { attestationObject: randomBase64url(300) })],
    [
      'attestationObject of truncated CBOR',
      ['registration'],
      (route) => damaged(route, { attestationObject: Buffer.from([0xa3, 0x63, 0x66]).toString('base64url') }),
    ],
    [
      'attestationObject as large as the body limit lets through',
      ['registration'],
      (route) => damaged(route, { attestationObject: randomBase64url(11_000) }),
    ],
    ['transports that are not a list of names', ['registration'], (route) => damaged(route, { transports: 'internal' })],
    ['authenticatorData of garbage', ['authentication'], (route) => damaged(route, { authenticatorData: randomBase64url(10) })],
    ['a signature of garbage', ['authentication'], (route) => damaged(route, { signature: randomBase64url(70) })],
    ['a signature that is not base64url', ['authentication'], (route) => damaged(route, { signature: '!!' })],
  ];

  beforeAll(async () => {
    t = await createTestApp({ http: { corsOrigins: new Set([ORIGIN]) } });
    await resetDatabase(t.db);
    ({ token } = await registerVerified(t, 'row34@example.com'));
    authenticator = new SoftAuthenticator(ORIGIN);
    await addPasskey(t.http, token, authenticator);
    routes = bodyRoutesOf(t, (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument).filter(({ fields }) =>
      Object.values(fields).some((names) => names.includes('response')),
    );
  });
  afterAll(() => t.close());

  it('finds every route that takes a WebAuthn response', () => {
    expect(routes.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(RESPONSE_ROUTES);
  });

  it('refuses each bad response with 400 PASSKEY_INVALID (registration) or 401 (login), never a 500, and changes nothing', async () => {
    const before = await snapshot();
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      for (const [kind, ceremonies, make] of BAD_RESPONSES) {
        if (!ceremonies.includes(isRegistration(route) ? 'registration' : 'authentication')) continue;
        const response = await t.http
          .post(route.path)
          .set(isRegistration(route) ? bearer(token) : {})
          .set('Origin', ORIGIN)
          .send({ response: await make(route) });
        expect({ name, kind, status: response.status, code: (response.body as { code?: string }).code }).toEqual(
          isRegistration(route)
            ? { name, kind, status: 400, code: 'PASSKEY_INVALID' }
            : { name, kind, status: 401, code: 'INVALID_CREDENTIALS' },
        );
      }
    }
    expect(await snapshot()).toBe(before);
    await t.http.get('/health').expect(200);
  });

  it('answers a 1 MB attestationObject with 413 from the body limit (row 4), before any passkey code reads it', async () => {
    for (const route of routes) {
      const response = await t.http
        .post(route.path)
        .set(isRegistration(route) ? bearer(token) : {})
        .set('Origin', ORIGIN)
        .send({ response: await damaged(route, { attestationObject: 'A'.repeat(1_048_576) }) });
      expect({ route: route.path, status: response.status, code: (response.body as { code?: string }).code }).toEqual({
        route: route.path,
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      });
    }
  });
});
