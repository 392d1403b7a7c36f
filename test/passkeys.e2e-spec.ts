import { SecurityEventLog } from '../src/auth/security-events/security-event-log';
import { DeadRowPruner } from '../src/database/dead-row.pruner';
import { CSRF_COOKIE, SESSION_COOKIE, setCookies } from './support/session-cookies';
import { eventually } from './support/eventually';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { SoftAuthenticator } from './support/soft-authenticator';
import {
  addPasskey,
  bearer,
  createTestApp,
  PASSWORD,
  passkeyLoginOptions,
  registerVerified,
  resetDatabase,
  TestApp,
  turnMfaOn,
} from './support/test-app';

/**
 * Passkeys end to end on real MySQL and a real SMTP server: docs/api.md
 * "Passkeys (WebAuthn)" and security item 46. The responses come from a
 * software authenticator written from the specification
 * (test/support/soft-authenticator.ts), bent one way at a time; the browser
 * suite drives Chromium's own virtual authenticator.
 */
const ORIGIN = 'http://localhost:3000';
const RP_ID = 'localhost';
const CHALLENGE_TTL_MS = 5 * 60_000;
const GOOGLE_PASSWORD_MANAGER = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';

let sink: SmtpSink;
let t: TestApp;
beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await createTestApp({
    mailSink: sink,
    http: { corsOrigins: new Set([ORIGIN]) },
    webauthn: { rpId: RP_ID, origins: [ORIGIN] },
    throttling: { loginFailuresPerClient: 1000 },
  });
});
afterAll(async () => {
  await t?.close();
  await sink?.stop();
});
beforeEach(() => resetDatabase(t.db));

interface CreationOptions {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials: Array<{ id: string; type: string }>;
  authenticatorSelection: Record<string, unknown>;
  attestation: string;
}

const registrationOptions = async (token: string) =>
  (await t.http.post('/auth/passkeys/registration-options').set(bearer(token)).send({ currentPassword: PASSWORD }).expect(200))
    .body as CreationOptions;
const register = (token: string, response: unknown, name?: string) =>
  t.http
    .post('/auth/passkeys')
    .set(bearer(token))
    .send({ response, ...(name === undefined ? {} : { name }) });
const authenticate = (response: unknown, scope?: string) =>
  t.http.post('/auth/passkeys/authentication').send({ response, ...(scope === undefined ? {} : { scope }) });
const passkeyRows = () => t.db.query<Array<Record<string, unknown>>>('SELECT * FROM passkeys ORDER BY id');
const events = async (userId: number) => {
  await t.app.get(SecurityEventLog).flush();
  const rows = await t.db.query<Array<{ type: string }>>('SELECT type FROM security_events WHERE user_id = ? ORDER BY id', [userId]);
  return rows.map((row) => row.type);
};

/** The message with this subject to this address, once it has arrived. */
async function noticeTo(address: string, subject: string): Promise<ReceivedMail> {
  const arrived = () => sink.to(address).find((mail) => mail.subject === subject);
  if (!(await eventually(() => arrived() !== undefined, 20_000, 20))) throw new Error(`no "${subject}" to ${address}`);
  return arrived()!;
}

/** A user with one passkey of a fresh authenticator. */
async function userWithPasskey(email = 'ada@example.com', counts = true) {
  const { userId, token } = await registerVerified(t, email);
  const authenticator = new SoftAuthenticator(ORIGIN, { counts });
  const { id, credential } = await addPasskey(t.http, token, authenticator);
  return { userId, token, authenticator, passkeyId: id, credential };
}

/** A login with the authenticator's passkey, bent as asked; the answer (awaited: a supertest request is a thenable). */
async function logInWith(authenticator: SoftAuthenticator, bend: Parameters<SoftAuthenticator['authenticate']>[1] = {}) {
  return authenticate(authenticator.authenticate(await passkeyLoginOptions(t.http), bend));
}

describe('Registration', () => {
  it('offers options for a discoverable, user-verified credential on the RP, naming the user by email', async () => {
    const { token } = await registerVerified(t, 'ada@example.com');

    const options = await registrationOptions(token);

    expect(options).toMatchObject({
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string,
      rp: { id: RP_ID, name: 'Nest Auth' },
      user: { name: 'ada@example.com', displayName: 'ada@example.com', id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string },
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      attestation: 'none',
      excludeCredentials: [],
    });
  });

  it('stores the passkey (public key, counter, transports), answers it without key or id, mails a notice and records the event', async () => {
    const { userId, token } = await registerVerified(t, 'added@example.com');
    const authenticator = new SoftAuthenticator(ORIGIN);
    const options = await registrationOptions(token);
    const { response } = authenticator.register(options);

    const added = await register(token, response, 'Work laptop').expect(201);

    expect(added.body).toEqual({
      id: expect.any(Number) as number,
      name: 'Work laptop',
      createdAt: expect.any(String) as string,
      lastUsedAt: null,
    });
    const [row] = await passkeyRows();
    expect(row).toMatchObject({ user_id: userId, sign_count: 0, transports: 'internal', name: 'Work laptop', last_used_at: null });
    expect((row.credential_id as Buffer).toString('base64url')).toBe(authenticator.credentials[0].id);
    expect((row.user_handle as Buffer).toString('base64url')).toBe(options.user.id);
    // The challenge is kept as a digest only, and used up.
    expect(JSON.stringify(await t.db.query('SELECT * FROM webauthn_challenges'))).not.toContain(options.challenge);
    expect(await t.db.query('SELECT * FROM webauthn_challenges')).toEqual([]);
    const notice = await noticeTo('added@example.com', 'A passkey was added to your account');
    expect(notice.text).toContain('Work laptop');
    expect(await events(userId)).toContain('passkey.added');
  });

  it('names a passkey after its authenticator when the user gives no name, else "Passkey"', async () => {
    const { token } = await registerVerified(t, 'ada@example.com');
    await addPasskey(t.http, token, new SoftAuthenticator(ORIGIN, { aaguid: GOOGLE_PASSWORD_MANAGER }));
    await addPasskey(t.http, token, new SoftAuthenticator(ORIGIN));

    const listed = await t.http.get('/auth/passkeys').set(bearer(token)).expect(200);

    expect((listed.body as Array<{ name: string }>).map((passkey) => passkey.name)).toEqual(['Google Password Manager', 'Passkey']);
  });

  it("excludes the user's passkeys from new options, under the same user handle", async () => {
    const { token, credential } = await userWithPasskey();

    const options = await registrationOptions(token);

    expect(options.excludeCredentials).toEqual([expect.objectContaining({ id: credential.id, type: 'public-key' })]);
    expect(options.user.id).toBe(credential.userHandle);
  });

  it('refuses a response for a used, replaced, expired or made-up challenge, or one of another user', async () => {
    const { token } = await registerVerified(t, 'ada@example.com');
    const { token: otherToken } = await registerVerified(t, 'bob@example.com');
    const authenticator = new SoftAuthenticator(ORIGIN);

    const first = authenticator.register(await registrationOptions(token)).response;
    await register(token, first).expect(201);
    await register(token, first)
      .expect(400)
      .expect(({ body }) => expect(body).toMatchObject({ code: 'PASSKEY_INVALID' }));

    const replaced = authenticator.register(await registrationOptions(token)).response;
    await registrationOptions(token);
    await expect(register(token, replaced)).resolves.toMatchObject({ status: 400, body: { code: 'PASSKEY_INVALID' } });

    const late = authenticator.register(await registrationOptions(token)).response;
    t.clock.advance(CHALLENGE_TTL_MS);
    await register(token, late).expect(400);

    const madeUp = authenticator.register({ ...(await registrationOptions(token)), challenge: 'x'.repeat(43) }).response;
    await register(token, madeUp).expect(400);

    const forBob = authenticator.register(await registrationOptions(otherToken)).response;
    await register(token, forBob).expect(400);
    expect(await passkeyRows()).toHaveLength(1);
  });

  it('refuses a response from another origin, for another RP ID, without user verification, or of a login', async () => {
    const { token } = await registerVerified(t, 'ada@example.com');
    const authenticator = new SoftAuthenticator(ORIGIN);
    for (const bend of [
      { origin: 'https://evil.example' },
      { origin: 'http://localhost:3001' },
      { rpId: 'example.com' },
      { userVerified: false },
      { type: 'webauthn.get' },
    ]) {
      const { response } = authenticator.register(await registrationOptions(token), bend);
      const refused = await register(token, response);
      expect({ bend, status: refused.status, code: (refused.body as { code: string }).code }).toEqual({
        bend,
        status: 400,
        code: 'PASSKEY_INVALID',
      });
    }
    expect(await passkeyRows()).toEqual([]);
  });

  it('refuses a credential already registered, to this user or another', async () => {
    const { token, authenticator } = await userWithPasskey();
    const { token: otherToken } = await registerVerified(t, 'bob@example.com');
    // An authenticator that ignores the exclusion list, or a copy of it, answering with the credential it holds.
    const copied = authenticator.register(await registrationOptions(otherToken), { reuse: authenticator.credentials[0] }).response;
    const lying = authenticator.register(await registrationOptions(otherToken)).response as { id: string; rawId: string };

    await register(otherToken, copied).expect(400);
    // A response whose id is not the credential its authenticator data holds.
    await register(otherToken, { ...lying, id: authenticator.credentials[0].id, rawId: authenticator.credentials[0].id }).expect(400);
    await register(token, authenticator.register(await registrationOptions(token)).response).expect(201);
    expect(await passkeyRows()).toHaveLength(2);
  });

  it('holds at most 20 passkeys per user', async () => {
    const { token } = await registerVerified(t, 'ada@example.com');
    const authenticator = new SoftAuthenticator(ORIGIN);
    for (let i = 0; i < 20; i += 1) await addPasskey(t.http, token, authenticator);

    const refused = await register(token, authenticator.register(await registrationOptions(token)).response);

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'PASSKEY_LIMIT_REACHED' });
  });

  it('needs the account scope to add or remove a passkey, none to list them', async () => {
    const { token, passkeyId } = await userWithPasskey();
    const narrowed = (
      (await t.http.post('/auth/token').send({ email: 'ada@example.com', password: PASSWORD, scope: '' }).expect(200)).body as {
        access_token: string;
      }
    ).access_token;
    const personal = (
      (await t.http.post('/auth/tokens').set(bearer(token)).send({ name: 'ci', scopes: [] }).expect(201)).body as { token: string }
    ).token;

    await t.http.post('/auth/passkeys/registration-options').set(bearer(personal)).send({ currentPassword: PASSWORD }).expect(403);
    await t.http.delete(`/auth/passkeys/${passkeyId}`).set(bearer(personal)).expect(403);
    await t.http.get('/auth/passkeys').set(bearer(personal)).expect(200);
    await t.http.post('/auth/passkeys/registration-options').set(bearer(narrowed)).send({ currentPassword: PASSWORD }).expect(200);
  });
});

describe('Login with a passkey', () => {
  it('gives a token for the passkey alone, which reads the user; records the use, the counter and the event', async () => {
    const { userId, authenticator, passkeyId } = await userWithPasskey();

    const answer = await logInWith(authenticator);
    expect(answer.status).toBe(200);

    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^nat_/) as string,
      token_type: 'bearer',
      expires_in: expect.any(Number) as number,
    });
    const token = (answer.body as { access_token: string }).access_token;
    await t.http
      .get('/users/me')
      .set(bearer(token))
      .expect(200)
      .expect(({ body }) => expect(body).toMatchObject({ id: userId }));
    const [row] = await passkeyRows();
    expect(row).toMatchObject({ id: passkeyId, sign_count: 1, last_used_at: expect.any(Date) as Date });
    expect(await events(userId)).toEqual(['email.verified', 'login.succeeded', 'passkey.added', 'login.succeeded']);
    const listed = await t.http.get('/auth/passkeys').set(bearer(token)).expect(200);
    expect((listed.body as Array<{ lastUsedAt: string }>)[0].lastUsedAt).toBe((row.last_used_at as Date).toISOString());
  });

  it('offers options for discoverable credentials: no allow list, user verification required', async () => {
    const options = await t.http.post('/auth/passkeys/authentication-options').expect(200);

    expect(options.body).toMatchObject({
      rpId: RP_ID,
      userVerification: 'required',
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string,
    });
    expect((options.body as { allowCredentials?: unknown[] }).allowCredentials ?? []).toEqual([]);
  });

  it('logs a user with TOTP on in without a code: a user-verified passkey is both factors', async () => {
    const { token, authenticator } = await userWithPasskey();
    await turnMfaOn(t.http, token, t.clock.now());
    await t.http.post('/auth/token').send({ email: 'ada@example.com', password: PASSWORD }).expect(403);

    expect((await logInWith(authenticator)).status).toBe(200);
  });

  it('sets the session cookies on the cookie route for a trusted origin, and refuses another origin before the assertion is used', async () => {
    const { authenticator } = await userWithPasskey();
    const assertion = authenticator.authenticate(await passkeyLoginOptions(t.http));

    await t.http
      .post('/auth/cookie/passkey-login')
      .set('Origin', 'https://evil.example')
      .send({ response: assertion })
      .expect(403)
      .expect(({ body }) => expect(body).toMatchObject({ code: 'CSRF_FAILED' }));
    const answer = await t.http.post('/auth/cookie/passkey-login').set('Origin', ORIGIN).send({ response: assertion }).expect(204);

    expect([...setCookies(answer).keys()].sort()).toEqual([CSRF_COOKIE, SESSION_COOKIE].sort());
    expect(answer.headers['x-csrf-token']).toEqual(expect.any(String));
  });

  it('narrows the token to the scope asked for, and refuses a scope the user may not have', async () => {
    const { authenticator } = await userWithPasskey();

    const narrowed = await authenticate(authenticator.authenticate(await passkeyLoginOptions(t.http)), 'account').expect(200);
    expect(narrowed.body).toMatchObject({ scope: 'account' });
    const refused = await authenticate(authenticator.authenticate(await passkeyLoginOptions(t.http)), 'admin').expect(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_SCOPE' });
  });

  it('answers every refusal with the same 401: another origin or RP ID, no user verification, a registration challenge', async () => {
    const { token, authenticator } = await userWithPasskey();
    const registrationChallenge = (await registrationOptions(token)).challenge;
    for (const bend of [
      { origin: 'https://evil.example' },
      { rpId: 'example.com' },
      { userVerified: false },
      { type: 'webauthn.create' },
      { challenge: registrationChallenge },
      { challenge: 'x'.repeat(43) },
    ]) {
      const refused = await logInWith(authenticator, bend);
      expect({ bend, status: refused.status, body: refused.body as unknown }).toEqual({
        bend,
        status: 401,
        body: expect.objectContaining({ code: 'INVALID_CREDENTIALS', message: 'The passkey could not sign you in' }) as unknown,
      });
    }
  });

  it('refuses a replayed assertion, and an expired challenge', async () => {
    const { authenticator } = await userWithPasskey();
    const assertion = authenticator.authenticate(await passkeyLoginOptions(t.http));
    await authenticate(assertion).expect(200);
    await authenticate(assertion).expect(401);

    const late = authenticator.authenticate(await passkeyLoginOptions(t.http));
    t.clock.advance(CHALLENGE_TTL_MS);
    await authenticate(late).expect(401);
  });

  it('refuses a counter that goes back or stays, records passkey.counter_mismatch, and then accepts the authenticator moving on', async () => {
    const { userId, authenticator } = await userWithPasskey();
    expect((await logInWith(authenticator)).status).toBe(200);
    expect((await logInWith(authenticator)).status).toBe(200);
    const credential = authenticator.credentials[0];

    credential.signCount = 1;
    expect((await logInWith(authenticator)).status).toBe(401);
    credential.signCount = 2;
    expect((await logInWith(authenticator)).status).toBe(401);

    expect((await passkeyRows())[0].sign_count).toBe(2);
    expect((await events(userId)).filter((type) => type === 'passkey.counter_mismatch')).toHaveLength(2);
    credential.signCount = 3;
    expect((await logInWith(authenticator)).status).toBe(200);
  });

  it('accepts an authenticator that keeps no counter (0 each time), again and again', async () => {
    const { authenticator } = await userWithPasskey('ada@example.com', false);
    for (let i = 0; i < 3; i += 1) expect((await logInWith(authenticator)).status).toBe(200);
    expect((await passkeyRows())[0].sign_count).toBe(0);
  });

  it('records no counter mismatch for a forged signature', async () => {
    const { userId, authenticator } = await userWithPasskey();
    expect((await logInWith(authenticator)).status).toBe(200);
    const forged = authenticator.authenticate(await passkeyLoginOptions(t.http)) as { response: { signature: string } };
    authenticator.credentials[0].signCount = 0;
    const other = new SoftAuthenticator(ORIGIN);
    other.register({ challenge: 'c', rp: { id: RP_ID }, user: { id: 'dQ' } });
    forged.response.signature = (other.authenticate({ challenge: 'c' }) as { response: { signature: string } }).response.signature;

    await authenticate(forged).expect(401);
    expect(await events(userId)).not.toContain('passkey.counter_mismatch');
  });

  it('refuses a deleted passkey, a passkey of a deactivated user, and a user handle of another account', async () => {
    const ada = await userWithPasskey('ada@example.com');
    const bob = await userWithPasskey('bob@example.com');

    expect((await logInWith(ada.authenticator, { userHandle: bob.credential.userHandle })).status).toBe(401);

    await t.db.query('UPDATE users SET is_active = 0 WHERE id = ?', [bob.userId]);
    expect((await logInWith(bob.authenticator)).body).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: 'The passkey could not sign you in',
    });

    await t.http.delete(`/auth/passkeys/${ada.passkeyId}`).set(bearer(ada.token)).expect(204);
    expect((await logInWith(ada.authenticator)).status).toBe(401);
  });

  it('counts refused assertions against the client: 429 past LOGIN_MAX_FAILURES_PER_CLIENT', async () => {
    const limited = await createTestApp({ webauthn: { rpId: RP_ID, origins: [ORIGIN] }, throttling: { loginFailuresPerClient: 3 } });
    try {
      const junk = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: {} };
      for (let i = 0; i < 3; i += 1) await limited.http.post('/auth/passkeys/authentication').send({ response: junk }).expect(401);
      await limited.http.post('/auth/passkeys/authentication').send({ response: junk }).expect(429);
    } finally {
      await limited.close();
    }
  });
});

describe('Options of passkey logins', () => {
  it('are counted per client: 429 past PASSKEY_CHALLENGES_PER_CLIENT a minute, again a minute later', async () => {
    const limited = await createTestApp({ webauthn: { rpId: RP_ID, origins: [ORIGIN] }, throttling: { passkeyChallengesPerClient: 2 } });
    try {
      await limited.http.post('/auth/passkeys/authentication-options').expect(200);
      await limited.http.post('/auth/passkeys/authentication-options').expect(200);
      const refused = await limited.http.post('/auth/passkeys/authentication-options').expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      limited.clock.advance(60_000);
      await limited.http.post('/auth/passkeys/authentication-options').expect(200);
    } finally {
      await limited.close();
    }
  });

  it('leave challenges that the scheduled pruning deletes once expired', async () => {
    for (let i = 0; i < 3; i += 1) await passkeyLoginOptions(t.http);
    const pruner = t.app.get(DeadRowPruner);
    expect(await pruner.prune()).toMatchObject({ webAuthnChallenges: 0 });

    t.clock.advance(CHALLENGE_TTL_MS);

    expect(await pruner.prune()).toMatchObject({ webAuthnChallenges: 3 });
    expect(await t.db.query('SELECT * FROM webauthn_challenges')).toEqual([]);
  });
});

describe('Removal', () => {
  it('removes the caller’s passkey, mails a notice and records the event; 404 for another user’s or an unknown id', async () => {
    const ada = await userWithPasskey('removal@example.com');
    const bob = await userWithPasskey('bob@example.com');

    await t.http
      .delete(`/auth/passkeys/${bob.passkeyId}`)
      .set(bearer(ada.token))
      .expect(404)
      .expect(({ body }) => expect(body).toMatchObject({ code: 'NOT_FOUND', message: 'No such passkey' }));
    await t.http.delete('/auth/passkeys/999999').set(bearer(ada.token)).expect(404);
    await t.http.delete(`/auth/passkeys/${ada.passkeyId}`).set(bearer(ada.token)).expect(204);

    expect((await passkeyRows()).map((row) => row.id)).toEqual([bob.passkeyId]);
    const notice = await noticeTo('removal@example.com', 'A passkey was removed from your account');
    expect(notice.text).toContain('Passkey');
    expect(await events(ada.userId)).toContain('passkey.removed');
    await t.http.get('/auth/passkeys').set(bearer(ada.token)).expect(200, []);
  });

  it('goes with its user', async () => {
    const { token } = await userWithPasskey();
    await t.http.delete('/users/me').set(bearer(token)).send({ currentPassword: PASSWORD }).expect(204);
    expect(await passkeyRows()).toEqual([]);
  });
});

describe('What is stored', () => {
  it('keeps no private key, and nothing of the authenticator that a copy of the database could log in with', async () => {
    const { authenticator, credential } = await userWithPasskey();
    const privateKey = credential.privateKey.export({ format: 'jwk' }).d!;

    const rows = JSON.stringify(await passkeyRows());

    expect(rows).not.toContain(privateKey);
    expect(rows).not.toContain(Buffer.from(privateKey, 'base64url').toString('hex'));
    expect(authenticator.credentials).toHaveLength(1);
  });
});

describe('Two instances on one database', () => {
  it('finish each other’s ceremonies: the challenges are in the database, not in a process', async () => {
    const other = await createTestApp({ webauthn: { rpId: RP_ID, origins: [ORIGIN] } });
    // One time on both, as on synchronised hosts: earlier tests moved the first instance's clock on.
    other.clock.advance(t.clock.now().getTime() - other.clock.now().getTime());
    try {
      const { token } = await registerVerified(t, 'ada@example.com');
      const authenticator = new SoftAuthenticator(ORIGIN);

      const options = (
        await t.http.post('/auth/passkeys/registration-options').set(bearer(token)).send({ currentPassword: PASSWORD }).expect(200)
      ).body as CreationOptions;
      await other.http
        .post('/auth/passkeys')
        .set(bearer(token))
        .send({ response: authenticator.register(options).response })
        .expect(201);
      const assertion = authenticator.authenticate(await passkeyLoginOptions(other.http));
      await authenticate(assertion).expect(200);
      // Used up on the first instance: the second one refuses it too.
      await other.http.post('/auth/passkeys/authentication').send({ response: assertion }).expect(401);
    } finally {
      await other.close();
    }
  });
});
