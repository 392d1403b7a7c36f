import { LogCapture } from '../support/log-capture';
import { SESSION_COOKIE } from '../support/session-cookies';
import { createTestApp, useTestApp } from '../support/test-app';
import { throughProvider } from '../support/providers/oidc-provider';
import { callbackUrl, finished, PUBLIC_URL, returnToService, startFlow } from '../support/providers/provider-flows';
import { RogueAnswer, RogueProvider, startRogueProvider } from '../support/providers/rogue-provider';

/**
 * docs/security.md items 54, 62 and 63: every check of the ID token fails on
 * its own, against a provider of the tests' own that advertises `none` and
 * HS256 and answers what it is told; a provider that answers garbage or
 * nothing costs a callback its timeout and no more; no provider token or
 * client secret is kept, logged or answered.
 */
describe('The checks of a provider’s answer', () => {
  let rogue: RogueProvider;
  let logs: LogCapture;
  beforeAll(async () => {
    rogue = await startRogueProvider();
    logs = new LogCapture();
  });
  afterAll(() => rogue?.stop());

  const t = useTestApp(() => ({ logs, http: { publicUrl: PUBLIC_URL }, identityProviders: { providers: [rogue.setting('rogue')] } }));

  let people = 0;
  const signIn = async (answer: RogueAnswer) => {
    const email = `rogue.${++people}@example.com`;
    rogue.signInAs(`rogue-subject-${people}`, email);
    rogue.answer(answer);
    const started = await startFlow(t.http, {}, 'rogue');
    const callback = await throughProvider(started.authorizationUrl, callbackUrl('rogue'));
    return { email, end: finished(await returnToService(t.http, callback, started.cookie).expect(303)) };
  };
  const accountExists = async (email: string) => (await t.db.query<unknown[]>('SELECT id FROM users WHERE email = ?', [email])).length > 0;

  it('signs in with a right ID token (the control: the provider is otherwise honest)', async () => {
    const { email, end } = await signIn('valid');

    expect(end.cookies.has(SESSION_COOKIE)).toBe(true);
    expect(await accountExists(email)).toBe(true);
  });

  it.each<RogueAnswer>([
    'signed-by-another-key',
    'alg-none',
    'hmac-with-public-key',
    'wrong-iss',
    'wrong-aud',
    'several-audiences-without-azp',
    'wrong-azp',
    'expired',
    'wrong-nonce',
    'missing-nonce',
    'issued-in-the-future',
  ])('refuses an ID token %s: PROVIDER_FAILED, no account, no session, a warning', async (answer) => {
    const before = logs.lines().length;

    const { email, end } = await signIn(answer);

    expect(end.fragment.get('error')).toBe('PROVIDER_FAILED');
    expect(end.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await accountExists(email)).toBe(false);
    expect(logs.lines().slice(before)).toContainEqual(
      expect.objectContaining({ event: 'identity_provider.answer_refused', provider: 'rogue', level: 40 }),
    );
  });

  it.each<RogueAnswer>(['html', 'server-error', 'huge'])(
    'answers PROVIDER_FAILED, never a 5xx, when the token endpoint answers %s',
    async (answer) => {
      const { email, end } = await signIn(answer);

      expect(end.fragment.get('error')).toBe('PROVIDER_FAILED');
      expect(await accountExists(email)).toBe(false);
    },
  );

  it('gives up on a provider that stalls after its timeout, with PROVIDER_FAILED', async () => {
    const { end } = await signIn('stall');

    expect(end.fragment.get('error')).toBe('PROVIDER_FAILED');
  });

  it('keeps, logs and answers none of the provider’s tokens nor the client secret', async () => {
    const { end } = await signIn('valid');

    const answered = JSON.stringify({ headers: end.response.headers, body: end.response.text });
    expect(answered).not.toContain(rogue.accessToken);
    expect(logs.text()).not.toContain(rogue.accessToken);
    expect(logs.text()).not.toContain(rogue.clientSecret);
    const stored = JSON.stringify([
      await t.db.query('SELECT * FROM identities'),
      await t.db.query('SELECT * FROM provider_flows'),
      await t.db.query('SELECT * FROM security_events'),
    ]);
    expect(stored).not.toContain(rogue.accessToken);
    expect(stored).not.toContain(rogue.clientSecret);
  });

  it('answers 503 while the provider’s discovery fails, stores no flow, and recovers once it succeeds', async () => {
    const down = await startRogueProvider();
    down.discoverable(false);
    const app = await createTestApp({ http: { publicUrl: PUBLIC_URL }, identityProviders: { providers: [down.setting('down')] } });
    try {
      const flows = async () => Number((await app.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM provider_flows'))[0].n);
      const before = await flows();

      await app.http.get('/auth/providers/down/authorize').expect(503);
      expect(await flows()).toBe(before);

      down.discoverable(true);
      app.clock.advance(5_000);
      await app.http.get('/auth/providers/down/authorize').expect(302);
    } finally {
      await app.close();
      await down.stop();
    }
  });
});
