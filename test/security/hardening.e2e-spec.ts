import { connect, Socket } from 'node:net';
import { LogCapture } from '../support/log-capture';
import { OpenApiDocument } from '../support/served-routes';
import {
  bearer,
  createTestApp,
  login,
  PASSWORD,
  registerAndLogin,
  resetDatabase,
  rowCounts,
  TestApp,
  useTestApp,
} from '../support/test-app';

/**
 * The holes a black-box probe found (issue "Hardening"), each closed and
 * tested against the running service on real MySQL. Rows 10 and 14 of
 * docs/bad-inputs.md, on every route, are in test/bad-inputs.e2e-spec.ts.
 */
const WINDOW_SECONDS = 15 * 60;
const ALLOWED_ORIGIN = 'https://app.example.com';

describe('A wrong current password counts as a failed login of that account', () => {
  let t: TestApp;
  let logs: LogCapture;
  let ada: { userId: number; token: string };

  beforeEach(async () => {
    logs = new LogCapture();
    t = await createTestApp({ logs, throttling: { loginFailuresPerAccount: 10, loginFailureWindowSeconds: WINDOW_SECONDS } });
    await resetDatabase(t.db);
    ada = await registerAndLogin(t.http, 'ada@example.com');
  });
  afterEach(() => t.close());

  const changeEmail = (currentPassword: string, headers: Record<string, string> = {}) =>
    t.http.patch('/users/me').set(bearer(ada.token)).set(headers).send({ email: 'ada.new@example.com', currentPassword });

  it('gets 429 with Retry-After after 10 wrong ones, even with the right one, and logs each as password.check_failed', async () => {
    for (let i = 0; i < 10; i++) await changeEmail('not my password').expect(403);

    const refused = await changeEmail(PASSWORD).expect(429);

    expect(refused.body).toEqual({ statusCode: 429, code: 'TOO_MANY_REQUESTS', message: expect.any(String) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_SECONDS);
    const failures = logs.lines().filter((line) => line.event === 'password.check_failed');
    expect(failures.map((line) => line.userId)).toEqual(Array<number>(10).fill(ada.userId));
    // The counter of that account's logins: the right password no longer logs in either.
    await t.http.post('/auth/token').send({ email: 'ada@example.com', password: PASSWORD }).expect(429);
  });

  it('shares one count with the logins of that account: 5 failed logins and 5 wrong current passwords make 10', async () => {
    for (let i = 0; i < 5; i++) await t.http.post('/auth/token').send({ email: 'ada@example.com', password: 'nope nope' }).expect(401);
    for (let i = 0; i < 5; i++) await changeEmail('not my password').expect(403);

    await changeEmail(PASSWORD).expect(429);
  });

  it('takes its count back when the password was right, as a login does', async () => {
    for (let i = 0; i < 9; i++) await changeEmail('not my password').expect(403);
    await changeEmail(PASSWORD).expect(200);

    // Nine more failures, and the account is still under its limit of ten.
    for (let i = 0; i < 9; i++) await t.http.post('/auth/token').send({ email: 'ada@example.com', password: 'nope nope' }).expect(401);
    await login(t.http, 'ada@example.com');
  });
});

describe('A wrong current password counts as a failed login of that client', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp({ throttling: { loginFailuresPerClient: 3 }, http: { trustProxy: ['loopback'] } });
    await resetDatabase(t.db);
  });
  afterEach(() => t.close());

  it('is refused for a client already throttled on logins, and counts toward that limit itself', async () => {
    const { token } = await registerAndLogin(t.http, 'bob@example.com');
    const guesser = { 'X-Forwarded-For': '198.51.100.77' };
    for (let i = 0; i < 3; i++) {
      await t.http
        .post('/auth/token')
        .set(guesser)
        .send({ email: `nobody${i}@example.com`, password: 'nope nope' })
        .expect(401);
    }
    const change = (headers: Record<string, string>) =>
      t.http.patch('/users/me').set(bearer(token)).set(headers).send({ email: 'bob.new@example.com', currentPassword: PASSWORD });

    await change(guesser).expect(429);

    const other = { 'X-Forwarded-For': '198.51.100.78' };
    for (let i = 0; i < 3; i++) {
      await t.http
        .patch('/users/me')
        .set(bearer(token))
        .set(other)
        .send({ password: 'another passphrase', currentPassword: 'wrong one' })
        .expect(403);
    }
    await t.http.post('/auth/token').set(other).send({ email: 'bob@example.com', password: PASSWORD }).expect(429);
    await change({ 'X-Forwarded-For': '198.51.100.79' }).expect(200);
  });
});

describe('Emails: one normalisation, everywhere', () => {
  const t = useTestApp();

  beforeEach(() => resetDatabase(t.db));

  it.each([
    ['U+200B after the address', 'dave@example.com\u200b'],
    ['U+200D in the local part', 'da\u200dve@example.com'],
    ['U+00AD in the domain', 'dave@exam\u00adple.com'],
    ['U+202E in the local part', 'dave\u202e@example.com'],
    ['U+FEFF before the address (no longer trimmed away)', '\ufeffdave@example.com'],
    ['U+2060 in the domain', 'dave@example.\u2060com'],
    ['U+3164 (a filler that renders as nothing)', 'dave\u3164@example.com'],
  ])('refuses %s with 400, on registration, login and an email change', async (_case, email) => {
    const { token } = await registerAndLogin(t.http, 'dave@example.com');

    const registered = await t.http.post('/auth/register').send({ email, password: PASSWORD }).expect(400);
    expect(registered.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'email', message: expect.stringMatching(/invisible/) }],
    });
    await t.http.post('/auth/token').send({ email, password: PASSWORD }).expect(400);
    await t.http.patch('/users/me').set(bearer(token)).send({ email, currentPassword: PASSWORD }).expect(400);
    expect((await rowCounts(t.db)).users).toBe(1);
  });

  it('takes an international domain as its IDNA mapping: the Unicode and the punycode spelling are one account', async () => {
    const registered = await t.http.post('/auth/register').send({ email: 'Anna@Bücher.DE', password: PASSWORD }).expect(201);

    expect((registered.body as { email: string }).email).toBe('anna@bücher.de');
    await t.http.post('/auth/register').send({ email: 'anna@xn--bcher-kva.de', password: PASSWORD }).expect(409);
    await login(t.http, 'anna@xn--bcher-kva.de');
  });

  it.each(['user@exa_mple.com', 'user@-example.com', 'user@example..com', 'user@10.0.0.1', 'user@localhost', 'user@ex ample.com'])(
    'refuses %s: its domain is no valid hostname',
    async (email) => {
      const response = await t.http.post('/auth/register').send({ email, password: PASSWORD }).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'email', message: expect.any(String) }] });
    },
  );
});

describe('Unknown fields, whatever their names', () => {
  const t = useTestApp();

  beforeAll(async () => {
    await resetDatabase(t.db);
  });

  it.each([
    'toString',
    'valueOf',
    'hasOwnProperty',
    'isPrototypeOf',
    'propertyIsEnumerable',
    'toLocaleString',
    '__defineGetter__',
    '__lookupGetter__',
  ])('refuses a registration carrying %s, naming the field, and creates no account', async (field) => {
    const response = await t.http
      .post('/auth/register')
      .set('Content-Type', 'application/json')
      .send(`{"email":"proto@example.com","password":"${PASSWORD}",${JSON.stringify(field)}:1}`)
      .expect(400);

    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field, message: `property ${field} should not exist` }] });
    expect((await rowCounts(t.db)).users).toBe(0);
  });
});

describe('An email change and the password rules', () => {
  const t = useTestApp();

  beforeEach(() => resetDatabase(t.db));

  it('refuses a new address whose local part the password kept contains, as registration does, and changes nothing', async () => {
    const password = 'marmalade sandwiches';
    const { token } = await registerAndLogin(t.http, 'paddington@example.com', password);
    await t.http.post('/auth/register').send({ email: 'marmalade@example.com', password }).expect(400);

    const response = await t.http
      .patch('/users/me')
      .set(bearer(token))
      .send({ email: 'marmalade@example.com', currentPassword: password })
      .expect(400);

    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'currentPassword', message: expect.stringMatching(/email/) }],
    });
    await t.http
      .get('/users/me')
      .set(bearer(token))
      .expect(200)
      .expect((me) => expect((me.body as { email: string }).email).toBe('paddington@example.com'));
    await t.http.patch('/users/me').set(bearer(token)).send({ email: 'bear@example.com', currentPassword: password }).expect(200);
  });
});

describe('Login CSRF without an Origin', () => {
  const t = useTestApp({ http: { corsOrigins: new Set([ALLOWED_ORIGIN]) } });

  beforeAll(async () => {
    await resetDatabase(t.db);
    await t.http.post('/auth/register').send({ email: 'carol@example.com', password: PASSWORD }).expect(201);
  });

  const cookieLogin = (headers: Record<string, string>) =>
    t.http.post('/auth/cookie/login').set(headers).send({ email: 'carol@example.com', password: PASSWORD });

  it.each([
    ['a foreign page', 'https://evil.example.net/login'],
    ['a page of a sibling subdomain', 'https://app.example.com.evil.example.net/'],
    ['a malformed one', 'not a url'],
  ])('refuses a cookie login whose Referer is %s with 403 CSRF_FAILED, and sets no cookie', async (_case, referer) => {
    const response = await cookieLogin({ Referer: referer }).expect(403);
    expect(response.body).toMatchObject({ code: 'CSRF_FAILED' });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('lets a cookie login in with a Referer from an allowed origin, or with neither header (not a browser)', async () => {
    await cookieLogin({ Referer: `${ALLOWED_ORIGIN}/sign-in?next=/` }).expect(204);
    await cookieLogin({}).expect(204);
  });
});

describe('The OpenAPI document', () => {
  const t = useTestApp();

  it('names the bearer format truthfully: an opaque token, not a JWT', async () => {
    const { components } = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    expect(components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque' });
  });
});

/** A raw connection to the listening test server, and what became of it. */
function openConnection(port: number): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

describe('Slow clients', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000, maxConnections: 5 } });
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(() => t.close());

  it('closes a connection that never sends a byte', async () => {
    const silent = openConnection(port);
    await silent.closed;
    // Closed by its socket timeout (silently), or, when Node's own check of the headers' deadline runs first, after
    // Node's bare 408: the two race at HEADERS_TIMEOUT_MS, and a full run once saw the second.
    expect(['', 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n']).toContain(silent.received());
  });

  it('closes a connection whose headers trickle in', async () => {
    const trickle = openConnection(port);
    trickle.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => trickle.socket.write('X-Slow: y\r\n'), 200);
    await trickle.closed;
    clearInterval(drip);
    expect(trickle.received()).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('answers a body that trickles in with the deadline 503, and closes the connection with it', async () => {
    const trickle = openConnection(port);
    trickle.socket.write('POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const drip = setInterval(() => trickle.socket.write(' '), 200);
    await trickle.closed;
    clearInterval(drip);
    expect(trickle.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(trickle.received()).toMatch(/\r\nConnection: close\r\n/i);
    expect(trickle.received()).toContain('"code":"SERVICE_UNAVAILABLE"');
  });

  it('closes an idle keep-alive connection after its request', async () => {
    const idle = openConnection(port);
    idle.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await idle.closed;
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('accepts MAX_CONNECTIONS connections at once and drops the next', async () => {
    const server = t.app.getHttpServer();
    const dropped = new Promise<void>((resolve) => server.once('drop', () => resolve()));
    const held = Array.from({ length: 5 }, () => openConnection(port));
    await Promise.all(held.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))));

    const extra = openConnection(port);
    await dropped;
    await extra.closed;
    expect(extra.received()).toBe('');
    held.forEach(({ socket }) => socket.destroy());
  });
});
