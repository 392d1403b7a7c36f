import fc from 'fast-check';
import { CsrfTokens } from '../src/auth/cookies/csrf-tokens';
import { AccessTokenService } from '../src/auth/tokens/access-token.service';
import { ERROR_STATUS, ErrorCode } from '../src/common/errors/error-code';
import { RawResponse, sendRaw } from './support/raw-request';
import {
  Body,
  bodies,
  encodeBody,
  fillIn,
  LiveValues,
  NATURAL_CONTENT_TYPES,
  renderBody,
  RequestCase,
  requestCases,
  sentString,
} from './support/request-fuzz';
import { bearer, createTestApp, login, PASSWORD, registerAndLogin, resetDatabase, TestApp } from './support/test-app';

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body: fc.Arbitrary<Body>;
  numRuns: number;
}

const LOGIN_JSON = ['email', 'password'];
const LOGIN_FORM = ['grant_type', 'username', 'password', 'scope', 'client_id', 'client_secret'];

// The routes that read a body get more runs: their cases are the most varied.
const routes: Route[] = [
  { method: 'POST', path: '/auth/register', body: bodies(['email', 'password']), numRuns: 500 },
  { method: 'POST', path: '/auth/token', body: bodies(LOGIN_JSON, LOGIN_FORM), numRuns: 500 },
  { method: 'POST', path: '/auth/cookie/login', body: bodies(LOGIN_JSON, LOGIN_FORM), numRuns: 500 },
  { method: 'PATCH', path: '/users/me', body: bodies(['email', 'password', 'currentPassword']), numRuns: 500 },
  { method: 'GET', path: '/auth/cookie/csrf', body: bodies([]), numRuns: 250 },
  { method: 'POST', path: '/auth/cookie/logout', body: bodies([]), numRuns: 250 },
  { method: 'POST', path: '/auth/logout', body: bodies([]), numRuns: 250 },
  { method: 'GET', path: '/auth/tokens', body: bodies([]), numRuns: 250 },
  { method: 'DELETE', path: '/auth/tokens/:id', body: bodies([]), numRuns: 400 },
  { method: 'DELETE', path: '/auth/tokens', body: bodies([]), numRuns: 250 },
  { method: 'GET', path: '/users/me', body: bodies([]), numRuns: 250 },
  { method: 'GET', path: '/health', body: bodies([]), numRuns: 150 },
];

// Shrinking a failure replays many requests, some with bcrypt work: fast-check
// stops in time to report its best counterexample before Jest's timeout, and a
// run too slow to finish its cases fails rather than passing on fewer. The
// budget is several times what a run takes on a loaded 2-core machine.
const TIME_BUDGET_MS = 240_000;
const TEST_TIMEOUT_MS = 300_000;

function expectContractAnswer(response: RawResponse): void {
  expect(response.status).toBeLessThan(500);
  if (response.status < 400) return;
  const body = response.body as { code?: string; errors?: unknown } | undefined;
  expect(response.body).toEqual({
    statusCode: response.status,
    code: expect.any(String),
    message: expect.any(String),
    ...(body?.errors === undefined ? {} : { errors: expect.any(Array) }),
  });
  expect(ERROR_STATUS[body?.code as ErrorCode]).toBe(response.status);
}

/**
 * Random JSON, form and junk bodies with random credentials and headers, sent
 * to every route: whatever arrives, the answer is never a 5xx, every error is
 * the contract's error body, and the process stays healthy. fast-check prints
 * the seed and the shrunk request of a failure; replay it with `{ seed, path }`.
 */
describe('Fuzzing every route with random bodies and headers', () => {
  let t: TestApp;
  /** The session the placeholders of a case stand for; runs may revoke it or change its password. */
  let owner: { userId: number; email: string; password: string; token: string; tokenId: number; csrf: string };
  let others: Pick<LiveValues, 'revokedToken' | 'otherUserToken' | 'otherUserTokenId' | 'otherUserEmail'>;

  const liveValues = (): LiveValues => ({
    token: owner.token,
    tokenTruncated: owner.token.slice(0, -1),
    tokenUpperCased: owner.token.toUpperCase(),
    tokenId: String(owner.tokenId),
    csrf: owner.csrf,
    email: owner.email,
    password: owner.password,
    ...others,
  });

  async function currentTokenId(token: string): Promise<number> {
    const response = await t.http.get('/auth/tokens').set(bearer(token)).expect(200);
    return response.body.find((summary: { current: boolean }) => summary.current).id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    await resetDatabase(t.db);
    const email = 'owner@example.com';
    const { userId, token } = await registerAndLogin(t.http, email);
    const tokenId = await currentTokenId(token);
    owner = { userId, email, password: PASSWORD, token, tokenId, csrf: t.app.get(CsrfTokens).issue(tokenId) };

    const revokedToken = await login(t.http, email);
    await t.http.post('/auth/logout').set(bearer(revokedToken)).expect(204);
    const other = await registerAndLogin(t.http, 'other@example.com');
    others = {
      revokedToken,
      otherUserToken: other.token,
      otherUserTokenId: String(await currentTokenId(other.token)),
      otherUserEmail: 'other@example.com',
    };
  });
  afterAll(() => t.close());

  afterEach(async () => {
    await t.http.get('/health').expect(200);
  });

  async function send(route: Route, request: RequestCase, values: LiveValues): Promise<RawResponse> {
    const headers = [...request.credentials, ...request.headers].flatMap(([name, value]) => [name, fillIn(value, values)]);
    const contentType = request.contentType === undefined ? NATURAL_CONTENT_TYPES[request.body.kind] : request.contentType;
    if (contentType !== null) headers.push('Content-Type', contentType);
    if (request.contentEncoding) headers.push('Content-Encoding', request.contentEncoding.header);
    const body = renderBody(request.body, values);
    return sendRaw(t, {
      method: route.method,
      path: route.path.replace(':id', fillIn(request.pathParameter, values)) + (request.query && `?${fillIn(request.query, values)}`),
      headers,
      body: body && encodeBody(body, request.contentEncoding),
    });
  }

  /**
   * A successful write may have changed the owner's email or password, or
   * revoked its token (a logout, its own id in DELETE /auth/tokens/:id, a login
   * past the per-user token limit): later cases must still start from a live session.
   */
  async function followSuccessfulWrite(route: Route, request: RequestCase, values: LiveValues, response: RawResponse): Promise<void> {
    if (route.path === '/users/me') {
      owner.email = (response.body as { email: string }).email;
      owner.password = sentString(request.body, values, 'password') ?? owner.password;
    }
    const probe = await t.http.get('/users/me').set(bearer(owner.token));
    if (probe.status === 200) return;
    expect(probe.status).toBe(401);
    const issued = await t.app.get(AccessTokenService).issue(owner.userId);
    owner = { ...owner, token: issued.token, tokenId: issued.id, csrf: t.app.get(CsrfTokens).issue(issued.id) };
  }

  it.each(routes)(
    '$method $path answers below 500, with the contract error body',
    async (route) => {
      await fc.assert(
        fc.asyncProperty(requestCases(route.body), async (request) => {
          // Each case starts unthrottled, so that random credentials can reach the login itself.
          await t.db.query('DELETE FROM throttle_counters');
          const values = liveValues();
          const response = await send(route, request, values);
          expectContractAnswer(response);
          if (response.status < 300 && route.method !== 'GET') await followSuccessfulWrite(route, request, values, response);
        }),
        { numRuns: route.numRuns, interruptAfterTimeLimit: TIME_BUDGET_MS, markInterruptAsFailure: true },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
