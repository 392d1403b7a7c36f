import { OAUTH_ENDPOINTS } from '../src/auth/oauth/oauth-error-members';
import fc from 'fast-check';
import { CsrfTokens } from '../src/auth/cookies/csrf-tokens';
import { AccessTokenIssuer } from '../src/auth/tokens/access-token.issuer';
import { errorCodeDefinition, ErrorCode } from '../src/common/errors/error-codes';
import { NotesModule } from './fixtures/notes/notes.module';
import { RawResponse, sendRaw } from './support/raw-request';
import { documentedRoutesOf } from './support/body-routes';
import { OpenApiDocument, schemaProperties, servedRoutes, toOpenApiPath } from './support/served-routes';
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
import { PUBLIC_URL } from './support/providers/provider-flows';
import { RogueProvider, startRogueProvider } from './support/providers/rogue-provider';
import { bearer, createTestApp, login, PASSWORD, registerAndLogin, resetDatabase, TestApp } from './support/test-app';

interface Route {
  method: string;
  path: string;
  body: fc.Arbitrary<Body>;
  numRuns: number;
  takesBody: boolean;
  /** The query parameters the document declares as numbers. */
  numericQuery: string[];
}

/** A whole number as the service accepts one in a path or a query: decimal digits, no sign, padding or leading zero. */
const CANONICAL_NUMBER = /^(0|[1-9]\d*)$/;

// The routes that read a body get more runs: their cases are the most varied; then those with a path parameter.
const RUNS = { body: 500, parameter: 400, plain: 250 };

/**
 * Every route the application serves (from Express's router, so a module
 * mounted tomorrow is fuzzed tomorrow), with the fields its OpenAPI request
 * bodies declare, JSON and form alike.
 */
function routesOf(t: TestApp, document: OpenApiDocument): Route[] {
  const numericQueries = new Map(
    documentedRoutesOf(t, document).map((route) => [
      `${route.method} ${route.path}`,
      route.query.filter(({ type }) => type === 'number' || type === 'integer').map(({ name }) => name),
    ]),
  );
  return servedRoutes(t.app).map(({ method, path }) => {
    const operation = document.paths[toOpenApiPath(path)]?.[method.toLowerCase()];
    const content = operation?.requestBody?.content ?? {};
    const fieldsOf = (mediaType: string) => Object.keys(schemaProperties(document, content[mediaType]?.schema));
    const jsonFields = fieldsOf('application/json');
    const formFields = fieldsOf('application/x-www-form-urlencoded');
    const hasBody = jsonFields.length + formFields.length > 0;
    const numRuns = hasBody ? RUNS.body : path.includes(':') ? RUNS.parameter : RUNS.plain;
    return {
      method,
      path,
      body: bodies(jsonFields, formFields),
      numRuns,
      takesBody: operation?.requestBody !== undefined,
      numericQuery: numericQueries.get(`${method} ${path}`) ?? [],
    };
  });
}

/**
 * What the request asked that the service must refuse whatever else it
 * carries (docs/bad-inputs.md, issue 22 rows 9 and 10): a body with fields on
 * a route that takes none, an id that is not canonical decimal digits, a
 * numeric query parameter written otherwise. Empty when none applies.
 */
function mustBeRefused(route: Route, request: RequestCase, values: LiveValues): string[] {
  const reasons: string[] = [];
  if (!route.takesBody && request.body.kind === 'object' && request.body.entries.length > 0) reasons.push('a body on a bodiless route');
  if (route.path.includes(':')) {
    let id: string | undefined;
    try {
      id = decodeURIComponent(fillIn(request.pathParameter, values));
    } catch {
      id = undefined;
    }
    // An empty segment is another route's path (`/auth/tokens/` is `/auth/tokens`).
    if (id !== undefined && id !== '' && !CANONICAL_NUMBER.test(id)) reasons.push(`the id ${JSON.stringify(id)}`);
  }
  const query = new URLSearchParams(fillIn(request.query, values));
  for (const name of route.numericQuery) {
    const given = query.getAll(name);
    if (given.length > 1 || (given.length === 1 && !CANONICAL_NUMBER.test(given[0]))) reasons.push(`${name}=${given.join(',')}`);
  }
  return reasons;
}

// Shrinking a failure replays many requests, some with bcrypt work: fast-check
// stops in time to report its best counterexample before Jest's timeout, and a
// run too slow to finish its cases fails rather than passing on fewer. A
// route's budget is many times what its run takes on a loaded 2-core machine
// (1-3 s); the test's covers every route plus one failure's shrinking.
const TIME_BUDGET_MS = 120_000;
const TEST_TIMEOUT_MS = 600_000;

function expectContractAnswer(route: Route, response: RawResponse): void {
  expect(response.status).toBeLessThan(500);
  if (response.status < 400) return;
  const body = response.body as { code?: string; errors?: unknown } | undefined;
  // RFC 6749 §5.2's members, on the 400s and 401s of the OAuth endpoints only.
  const oauth = OAUTH_ENDPOINTS.has(route.path) && (response.status === 400 || response.status === 401);
  expect(response.body).toEqual({
    ...(oauth ? { error: expect.any(String), error_description: expect.any(String) } : {}),
    statusCode: response.status,
    code: expect.any(String),
    message: expect.any(String),
    ...(body?.errors === undefined ? {} : { errors: expect.any(Array) }),
    ...(body?.code === 'MFA_REQUIRED' ? { mfaToken: expect.any(String), expiresIn: expect.any(Number) } : {}),
  });
  expect(errorCodeDefinition(body?.code as ErrorCode).status).toBe(response.status);
}

/**
 * Random JSON, form and junk bodies with random credentials and headers, sent
 * to every route: whatever arrives, the answer is never a 5xx, every error is
 * the contract's error body, and the process stays healthy. fast-check prints
 * the seed and the shrunk request of a failure; replay it with `{ seed, path }`.
 */
describe('Fuzzing every route with random bodies and headers', () => {
  let t: TestApp;
  let rogue: RogueProvider;
  let routes: Route[];
  /** The session the placeholders of a case stand for; runs may revoke it or change its password. */
  let owner: { userId: number; email: string; password: string; token: string; tokenId: number; csrf: string };
  let others: Pick<LiveValues, 'revokedToken' | 'otherUserToken' | 'otherUserTokenId' | 'otherUserEmail'>;

  const liveValues = (): LiveValues => ({
    token: owner.token,
    tokenTruncated: owner.token.slice(0, -1),
    tokenUpperCased: owner.token.toUpperCase(),
    tokenId: String(owner.tokenId),
    tokenIdHex: `0x${owner.tokenId.toString(16)}`,
    tokenIdPadded: `0${owner.tokenId}`,
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
    // Unknown tokens by the thousand from one address: the in-process throttle of those (its own suites test it) would
    // answer 429 to the owner's fresh token too, and it is not reset between cases like the database's counters.
    // An identity provider whose id is among the path parameters the cases try ('0'), so its flow's routes are reached.
    rogue = await startRogueProvider();
    t = await createTestApp({
      imports: [NotesModule],
      throttling: { invalidTokensPerClient: 1_000_000 },
      http: { publicUrl: PUBLIC_URL },
      identityProviders: { providers: [rogue.setting('0')] },
    });
    routes = routesOf(t, (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument);
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
  afterAll(async () => {
    await t.close();
    await rogue.stop();
  });

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
      path:
        route.path.replace(/:\w+/g, () => fillIn(request.pathParameter, values)) + (request.query && `?${fillIn(request.query, values)}`),
      headers,
      body: body && encodeBody(body, request.contentEncoding),
    });
  }

  /**
   * A successful write may have changed the owner's password, revoked its
   * token (a logout, its own id in DELETE /auth/tokens/:id, a login past the
   * per-user token limit) or deleted the account (the owner's or, with the
   * other user's token, the other user's): later cases must still start from
   * live sessions.
   */
  async function followSuccessfulWrite(route: Route, request: RequestCase, values: LiveValues, response: RawResponse): Promise<void> {
    if (route.method === 'DELETE' && route.path === '/users/me') {
      // The other user's token with the shared password deletes the other user: the owner is still there.
      if ((await t.http.get('/users/me').set(bearer(owner.token))).status === 200) {
        const other = await registerAndLogin(t.http, others.otherUserEmail);
        others = { ...others, otherUserToken: other.token, otherUserTokenId: String(await currentTokenId(other.token)) };
        return;
      }
      const { userId, token } = await registerAndLogin(t.http, owner.email, owner.password);
      owner = { ...owner, userId, token, tokenId: await currentTokenId(token) };
      owner.csrf = t.app.get(CsrfTokens).issue(owner.tokenId);
      return;
    }
    if (route.path === '/users/me') {
      owner.email = (response.body as { email: string }).email;
      owner.password = sentString(request.body, values, 'password') ?? owner.password;
    }
    const probe = await t.http.get('/users/me').set(bearer(owner.token));
    if (probe.status === 200) return;
    expect(probe.status).toBe(401);
    const [{ stamp }] = await t.db.query<Array<{ stamp: number }>>('SELECT credential_version AS stamp FROM users WHERE id = ?', [
      owner.userId,
    ]);
    const issued = await t.app.get(AccessTokenIssuer).issue(owner.userId, ['account'], stamp);
    owner = { ...owner, token: issued.token, tokenId: issued.id, csrf: t.app.get(CsrfTokens).issue(issued.id) };
  }

  it(
    "answers every route below 500, with the contract error body, another team's routes included",
    async () => {
      expect(routes.map(({ method, path }) => `${method} ${path}`)).toEqual(expect.arrayContaining(['POST /auth/token', 'POST /notes']));
      for (const route of routes) {
        const property = fc.asyncProperty(requestCases(route.body), async (request) => {
          // Each case starts unthrottled, so that random credentials can reach the login itself.
          await t.db.query('DELETE FROM throttle_counters');
          const values = liveValues();
          const response = await send(route, request, values);
          expectContractAnswer(route, response);
          const refusals = mustBeRefused(route, request, values);
          const refused = response.status >= 400 && response.status < 500;
          expect({ refusals, refusedWhenDue: refusals.length === 0 || refused }).toEqual({ refusals, refusedWhenDue: true });
          if (response.status < 300 && route.method !== 'GET') await followSuccessfulWrite(route, request, values, response);
        });
        const details = await fc.check(property, {
          numRuns: route.numRuns,
          interruptAfterTimeLimit: TIME_BUDGET_MS,
          markInterruptAsFailure: true,
        });
        if (details.failed) throw new Error(`${route.method} ${route.path}: ${fc.defaultReportMessage(details)}`);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
