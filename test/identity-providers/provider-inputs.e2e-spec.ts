import { bearer, registerVerified, useTestApp } from '../support/test-app';
import { throughProvider } from '../support/providers/oidc-provider';
import { callbackUrl, finished, PUBLIC_URL, returnToService, startFlow } from '../support/providers/provider-flows';
import { useRogueProvider } from '../support/providers/rogue-provider';

const APP_ORIGIN = 'https://app.example';

/**
 * docs/security.md item 58 (no open redirect, in every spelling) and
 * docs/bad-inputs.md rows 39 and 40: what a provider flow's start, callback
 * and code exchange are sent that they must refuse, each with a clear 4xx.
 */
describe('What a provider flow refuses', () => {
  const rogue = useRogueProvider();

  const t = useTestApp(() => ({
    http: { publicUrl: PUBLIC_URL, corsOrigins: new Set([APP_ORIGIN]) },
    identityProviders: { providers: [rogue().setting('rogue')] },
  }));
  const authorize = (query: Record<string, string>) => t.http.get('/auth/providers/rogue/authorize').query(query);

  it.each([
    '//evil.example/',
    'https:evil.example',
    'https:/evil.example',
    `${APP_ORIGIN}@evil.example/`,
    `https://user@app.example/`,
    `${APP_ORIGIN}.evil.example/`,
    'https://evil.example/https://app.example/',
    `${APP_ORIGIN}\\@evil.example/`,
    'https:\\\\evil.example',
    `${APP_ORIGIN}%2F@evil.example`,
    'https://app%2Eexample/',
    `${APP_ORIGIN}:8443/`,
    'http://app.example/',
    'HTTPS://APP.EXAMPLE/',
    `${APP_ORIGIN}/#fragment`,
    `${APP_ORIGIN}/\tpath`,
    ` ${APP_ORIGIN}/`,
    '/relative/path',
    'relative',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    `${APP_ORIGIN}/${'a'.repeat(10_000)}`,
  ])('refuses redirectTo %s with 400 VALIDATION_FAILED, storing no flow', async (redirectTo) => {
    const before = await t.db.query('SELECT id FROM provider_flows');

    const refused = await authorize({ redirectTo }).expect(400);

    expect(refused.body.code).toBe('VALIDATION_FAILED');
    expect(refused.headers.location).toBeUndefined();
    expect(await t.db.query('SELECT id FROM provider_flows')).toEqual(before);
  });

  it.each([`${APP_ORIGIN}/`, APP_ORIGIN, `${APP_ORIGIN}/signed-in?tab=2`, 'http://localhost:3000/after'])(
    'accepts redirectTo %s on an allowed origin',
    async (redirectTo) => {
      await authorize({ redirectTo }).expect(302);
    },
  );

  it.each<[string, Record<string, string>]>([
    ['an unknown mode', { mode: 'implicit' }],
    ['mode=token without codeChallenge', { mode: 'token' }],
    ['a codeChallenge in cookie mode', { codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' }],
    ['a codeChallenge of 42 characters', { mode: 'token', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c' }],
    ['a codeChallenge with a character outside base64url', { mode: 'token', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM' }],
    ['an unknown parameter', { scope: 'admin' }],
    ['a linking secret with other parameters', { link: 'idl_x', mode: 'cookie' }],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_case, query) => {
    const refused = await authorize(query).expect(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a linking URL that is unknown with 400 INVALID_LINK, and an unknown provider with 404', async () => {
    expect((await authorize({ link: `idl_${'A'.repeat(43)}` }).expect(400)).body.code).toBe('INVALID_LINK');
    expect((await t.http.get('/auth/providers/nope/authorize').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await t.http.get('/auth/providers/nope/callback').query({ state: 'x' }).expect(404)).body.code).toBe('NOT_FOUND');
  });

  it.each<[string, string]>([
    ['no state', 'code=abc'],
    ['an empty state', 'state=&code=abc'],
    ['a state of 10 KB', `state=${'s'.repeat(10_000)}&code=abc`],
    ['a repeated state', 'state=a&state=b&code=abc'],
    ['a state with control characters', 'state=ids_%00%0A%1B&code=abc'],
    ['a state as an array', 'state[]=a&code=abc'],
    ['an error with 10 KB of description and no state', `error=access_denied&error_description=${'d'.repeat(10_000)}`],
  ])('answers a callback with %s 400 INVALID_STATE, without a redirect', async (_case, query) => {
    const refused = await t.http.get(`/auth/providers/rogue/callback?${query}`).expect(400);

    expect(refused.body.code).toBe('INVALID_STATE');
    expect(refused.headers.location).toBeUndefined();
  });

  it('ends a live flow whose callback has an error of 10 KB, or a code of 10 KB, with #error, never a 500', async () => {
    const withError = await startFlow(t.http, {}, 'rogue');
    const state = new URL(withError.authorizationUrl).searchParams.get('state')!;
    const callback = new URL(`${callbackUrl('rogue')}?state=${state}&error=server_error&error_description=${'d'.repeat(10_000)}`);
    expect(finished(await returnToService(t.http, callback, withError.cookie).expect(303)).fragment.get('error')).toBe('PROVIDER_FAILED');

    const withCode = await startFlow(t.http, {}, 'rogue');
    const back = await throughProvider(withCode.authorizationUrl, callbackUrl('rogue'));
    back.searchParams.set('code', 'c'.repeat(10_000));
    expect(finished(await returnToService(t.http, back, withCode.cookie).expect(303)).fragment.get('error')).toBe('PROVIDER_FAILED');
  });

  it.each([
    [{ code: '', codeVerifier: '' }],
    [{ code: 'idc_unknown', codeVerifier: 'v'.repeat(43) }],
    [{ code: `idc_${'A'.repeat(43)}`, codeVerifier: 'v'.repeat(43) }],
  ])('refuses the code exchange %j with 400 INVALID_GRANT', async (body) => {
    const refused = await t.http.post('/auth/providers/token').send(body).expect(400);
    expect(refused.body.code).toBe('INVALID_GRANT');
  });

  it.each([[{ code: 'x'.repeat(101), codeVerifier: 'v'.repeat(43) }], [{ code: 'x' }], [{ code: 1, codeVerifier: 'v'.repeat(43) }]])(
    'refuses the malformed exchange %j with 400 VALIDATION_FAILED',
    async (body) => {
      expect((await t.http.post('/auth/providers/token').send(body).expect(400)).body.code).toBe('VALIDATION_FAILED');
    },
  );

  it('refuses a linking request for an unknown provider (404) or off the allowed origins (400)', async () => {
    const { token } = await registerVerified(t, 'linker@example.com');

    await t.http.post('/auth/identities').set(bearer(token)).send({ provider: 'nope' }).expect(404);
    const offOrigin = await t.http
      .post('/auth/identities')
      .set(bearer(token))
      .send({ provider: 'rogue', redirectTo: '//evil.example' })
      .expect(400);
    expect(offOrigin.body.code).toBe('VALIDATION_FAILED');
    await t.http.post('/auth/identities').set(bearer(token)).send({ provider: 'rogue', extra: 1 }).expect(400);
  });
});

describe('Throttling of provider flows', () => {
  const rogue = useRogueProvider();

  const t = useTestApp(() => ({
    http: { publicUrl: PUBLIC_URL },
    throttling: { providerFlowsPerClient: 3, loginFailuresPerClient: 2 },
    identityProviders: { providers: [rogue().setting('rogue')] },
  }));

  it('refuses a client past PROVIDER_FLOWS_PER_CLIENT starts a minute with 429 and Retry-After', async () => {
    // The suite above started flows from this client too, within the minute.
    await t.db.query('DELETE FROM throttle_counters');
    for (let started = 0; started < 3; started++) await t.http.get('/auth/providers/rogue/authorize').expect(302);

    const refused = await t.http.get('/auth/providers/rogue/authorize').expect(429);

    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(60_000);
    await t.http.get('/auth/providers/rogue/authorize').expect(302);
  });

  it('counts callbacks that match no flow as failed logins of the client: past the budget, 429', async () => {
    const state = `ids_${'A'.repeat(43)}`;
    await t.http.get(`/auth/providers/rogue/callback?state=${state}`).expect(400);
    await t.http.get(`/auth/providers/rogue/callback?state=${state}`).expect(400);

    const refused = await t.http.get(`/auth/providers/rogue/callback?state=${state}`).expect(429);
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
  });
});
