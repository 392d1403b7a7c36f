import { createHash, randomBytes } from 'node:crypto';
import { SESSION_COOKIE, cookieValue } from '../support/session-cookies';
import { bearer, deliverMail, login, makeAdmin, PASSWORD, registerVerified, turnMfaOn, useTestApp } from '../support/test-app';
import { eventually } from '../support/eventually';
import { linkTokenOf } from '../support/smtp-sink';
import { totpOf } from '../support/totp';
import { OidcTestProvider, startOidcProvider, throughProvider } from '../support/providers/oidc-provider';
import {
  APP_HOME,
  callbackUrl,
  finished,
  PUBLIC_URL,
  returnToService,
  signInThroughProvider,
  startFlow,
} from '../support/providers/provider-flows';

/**
 * docs/api.md "Sign-in with external identity providers", against a real
 * OpenID Connect provider (oidc-provider) on loopback: every flow of the
 * contract end to end, and the linking rules (security items 55-57, 60, 61).
 */
describe('Sign-in through an OpenID Connect provider', () => {
  let provider: OidcTestProvider;
  beforeAll(async () => {
    provider = await startOidcProvider([callbackUrl('test')]);
  });
  afterAll(() => provider?.stop());

  const t = useTestApp(() => ({
    http: { publicUrl: PUBLIC_URL },
    identityProviders: { providers: [provider.setting('test', 'Test provider')] },
  }));

  let subjects = 0;
  /** A new account at the provider, who signs in at its next interaction. */
  const asProviderAccount = async (email: string, emailVerified = true) => {
    const sub = `subject-${++subjects}-${randomBytes(4).toString('hex')}`;
    await provider.setAccounts({ [sub]: { email, email_verified: emailVerified } });
    await provider.nextSignIn({ sub });
    return sub;
  };
  const userRow = async (email: string) =>
    (
      await t.db.query<Array<{ id: number; hashed_password: string | null; email_verified_at: Date | null }>>(
        'SELECT id, hashed_password, email_verified_at FROM users WHERE email = ?',
        [email],
      )
    )[0];
  const identityRows = async (userId: number) =>
    t.db.query<Array<{ provider: string; subject: string; email: string }>>(
      'SELECT provider, subject, email FROM identities WHERE user_id = ?',
      [userId],
    );
  const eventTypes = async (token: string) =>
    ((await t.http.get('/users/me/security-events').set(bearer(token)).expect(200)).body as { items: Array<{ type: string }> }).items.map(
      (event) => event.type,
    );
  const verifierAndChallenge = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };

  describe('a person new to the service', () => {
    it('gets an account without a password, its address verified as the provider vouched, and a cookie session (cookie mode)', async () => {
      await asProviderAccount('new.person@example.com');

      const end = await signInThroughProvider(t.http);

      expect(end.location.href).toBe(APP_HOME);
      const session = cookieValue(end.cookies.get(SESSION_COOKIE)!);
      const me = await t.http.get('/users/me').set('Cookie', `${SESSION_COOKIE}=${session}`).expect(200);
      expect(me.body).toMatchObject({ email: 'new.person@example.com', emailVerified: true });
      const row = await userRow('new.person@example.com');
      expect(row.hashed_password).toBeNull();
      expect(await identityRows(row.id)).toEqual([expect.objectContaining({ provider: 'test', email: 'new.person@example.com' })]);
      expect(await eventTypes(session)).toEqual(expect.arrayContaining(['login.succeeded', 'identity.linked']));
    });

    it('gets a one-time #code in token mode, which only the verifier of the app that started the flow exchanges, once', async () => {
      await asProviderAccount('token.mode@example.com');
      const { verifier, challenge } = verifierAndChallenge();

      const end = await signInThroughProvider(t.http, {
        mode: 'token',
        codeChallenge: challenge,
        redirectTo: 'http://localhost:3000/done',
      });

      expect(end.location.origin + end.location.pathname).toBe('http://localhost:3000/done');
      expect(end.location.search).toBe('');
      expect(end.cookies.has(SESSION_COOKIE)).toBe(false);
      const code = end.fragment.get('code')!;
      expect(code).toMatch(/^idc_/);
      await t.http.post('/auth/providers/token').send({ code, codeVerifier: verifierAndChallenge().verifier }).expect(400);
      // A wrong verifier spent the code: the right one comes too late.
      await t.http.post('/auth/providers/token').send({ code, codeVerifier: verifier }).expect(400);

      await asProviderAccount('token.mode.again@example.com');
      const again = await signInThroughProvider(t.http, { mode: 'token', codeChallenge: challenge });
      const exchanged = await t.http
        .post('/auth/providers/token')
        .send({ code: again.fragment.get('code'), codeVerifier: verifier })
        .expect(200);
      expect(exchanged.body).toEqual({
        access_token: expect.stringMatching(/^nat_/),
        token_type: 'bearer',
        expires_in: expect.any(Number),
      });
      const me = await t.http.get('/users/me').set(bearer(exchanged.body.access_token)).expect(200);
      expect(me.body.email).toBe('token.mode.again@example.com');
      const replayed = await t.http
        .post('/auth/providers/token')
        .send({ code: again.fragment.get('code'), codeVerifier: verifier })
        .expect(400);
      expect(replayed.body.code).toBe('INVALID_GRANT');
    });

    it('whose address the provider does not vouch for gets an unverified account and a verification link by mail', async () => {
      await asProviderAccount('unvouched@example.com', false);

      const end = await signInThroughProvider(t.http);

      expect(end.cookies.has(SESSION_COOKIE)).toBe(true);
      expect((await userRow('unvouched@example.com')).email_verified_at).toBeNull();
      await deliverMail(t);
      expect((await t.mailbox.messagesTo('unvouched@example.com')).map((mail) => mail.subject)).toContain('Confirm your email address');
    });

    it('cannot sign in with a password: the same 401 as a wrong one', async () => {
      await asProviderAccount('no.password@example.com');
      await signInThroughProvider(t.http);

      const refused = await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'no.password@example.com', password: PASSWORD })
        .expect(401);
      expect(refused.body.code).toBe('INVALID_CREDENTIALS');
    });
  });

  describe('an account without a password', () => {
    /** A new account made by a sign-in in token mode, and its bearer token. */
    const providerAccount = async (email: string) => {
      await asProviderAccount(email);
      const { verifier, challenge } = verifierAndChallenge();
      const end = await signInThroughProvider(t.http, { mode: 'token', codeChallenge: challenge });
      const exchanged = await t.http
        .post('/auth/providers/token')
        .send({ code: end.fragment.get('code'), codeVerifier: verifier })
        .expect(200);
      return exchanged.body.access_token as string;
    };

    it('proves itself by a sign-in less than 10 minutes old where a password is asked, and sets a first password so', async () => {
      const token = await providerAccount('first.password@example.com');

      await t.http.patch('/users/me').set(bearer(token)).send({ password: 'a first password of mine' }).expect(200);

      await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'first.password@example.com', password: 'a first password of mine' })
        .expect(200);
      // Now that it has one, the password is asked again like any account's.
      const missing = await t.http.post('/auth/mfa/totp').set(bearer(token)).send({}).expect(400);
      expect(missing.body.code).toBe('VALIDATION_FAILED');
    });

    it('gets 403 REAUTHENTICATION_REQUIRED once its sign-in is 10 minutes old, on every route that asks for the password', async () => {
      const token = await providerAccount('stale.sign.in@example.com');
      t.clock.advance(600_000);

      for (const [method, path, body] of [
        ['patch', '/users/me', { password: 'a first password of mine' }],
        ['delete', '/users/me', {}],
        ['post', '/auth/mfa/totp', {}],
        ['post', '/auth/passkeys/registration-options', {}],
        ['post', '/auth/identities', { provider: 'test' }],
      ] as const) {
        const refused = await t.http[method](path).set(bearer(token)).send(body);
        expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 403, code: 'REAUTHENTICATION_REQUIRED' });
      }
      // A wrong password is no way around it.
      const wrong = await t.http.delete('/users/me').set(bearer(token)).send({ currentPassword: 'not a password it has' }).expect(403);
      expect(wrong.body.code).toBe('INVALID_CURRENT_PASSWORD');
    });

    it('sets a first password through the password-reset link', async () => {
      await providerAccount('reset.first@example.com');

      await t.http.post('/auth/password-reset').send({ email: 'reset.first@example.com' }).expect(202);
      const resetMail = async () =>
        (await t.mailbox.messagesTo('reset.first@example.com')).find((message) => message.subject === 'Reset your password');
      // The link is written after the answer, which is the same for every address.
      expect(await eventually(async () => (await deliverMail(t), (await resetMail()) !== undefined), 10_000)).toBe(true);
      const mail = (await resetMail())!;
      await t.http
        .post('/auth/password-reset/confirm')
        .send({ token: linkTokenOf(mail), password: 'a password from the link' })
        .expect(204);

      await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'reset.first@example.com', password: 'a password from the link' })
        .expect(200);
    });
  });

  describe('the linking rules with an existing account', () => {
    it('links automatically when the provider vouches for the address and the account proved it', async () => {
      const { userId } = await registerVerified(t, 'both.verified@example.com');
      const sub = await asProviderAccount('both.verified@example.com', true);

      const end = await signInThroughProvider(t.http);

      expect(end.cookies.has(SESSION_COOKIE)).toBe(true);
      expect(await identityRows(userId)).toEqual([expect.objectContaining({ subject: sub })]);
      await deliverMail(t);
      expect((await t.mailbox.messagesTo('both.verified@example.com')).map((mail) => mail.subject)).toContain(
        'Test provider can now sign in to your account',
      );
      // A linked identity signs in its account from now on, whatever address the provider gives later.
      await provider.setAccounts({ [sub]: { email: 'changed.at.provider@example.com', email_verified: true } });
      await provider.nextSignIn({ sub });
      const again = await signInThroughProvider(t.http);
      const me = await t.http
        .get('/users/me')
        .set('Cookie', `${SESSION_COOKIE}=${cookieValue(again.cookies.get(SESSION_COOKIE)!)}`)
        .expect(200);
      expect(me.body.email).toBe('both.verified@example.com');
    });

    it('refuses with ACCOUNT_EXISTS, linking nothing, when the local account never proved its address', async () => {
      await t.http.post('/auth/register').send({ email: 'local.unverified@example.com', password: PASSWORD }).expect(201);
      await asProviderAccount('local.unverified@example.com', true);

      const end = await signInThroughProvider(t.http);

      expect(end.location.href).toBe(`${APP_HOME}#error=ACCOUNT_EXISTS`);
      expect(end.cookies.has(SESSION_COOKIE)).toBe(false);
      expect(await identityRows((await userRow('local.unverified@example.com')).id)).toEqual([]);
    });

    it('refuses with ACCOUNT_EXISTS, linking nothing, when the provider does not vouch for the address', async () => {
      const { userId } = await registerVerified(t, 'provider.unverified@example.com');
      await asProviderAccount('provider.unverified@example.com', false);

      const end = await signInThroughProvider(t.http);

      expect(end.fragment.get('error')).toBe('ACCOUNT_EXISTS');
      expect(await identityRows(userId)).toEqual([]);
    });
  });

  describe('explicit linking and unlinking', () => {
    it('links the provider identity to the signed-in account through a one-time URL on this service', async () => {
      const { userId, token } = await registerVerified(t, 'explicit.link@example.com');
      const sub = await asProviderAccount('another.address@example.com', false);

      const offered = await t.http.post('/auth/identities').set(bearer(token)).send({ provider: 'test' }).expect(200);
      const url = new URL(offered.body.authorizationUrl);
      expect(url.origin).toBe(PUBLIC_URL);
      const started = await startFlow(t.http, Object.fromEntries(url.searchParams));
      const callback = await throughProvider(started.authorizationUrl, callbackUrl());
      const end = finished(await returnToService(t.http, callback, started.cookie).expect(303));

      expect(end.location.href).toBe(`${APP_HOME}#linked=test`);
      expect(end.cookies.has(SESSION_COOKIE)).toBe(false);
      expect(await identityRows(userId)).toEqual([expect.objectContaining({ subject: sub })]);
      await t.http.get(`/auth/providers/test/authorize`).query(Object.fromEntries(url.searchParams)).expect(400);
      const listed = await t.http.get('/auth/identities').set(bearer(token)).expect(200);
      expect(listed.body).toEqual([
        {
          id: expect.any(Number),
          provider: 'test',
          email: 'another.address@example.com',
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
        },
      ]);
      expect(await eventTypes(token)).toContain('identity.linked');
    });

    it.each([
      ['markup', '<img src=x onerror=alert(1)>@example.com'],
      ['300 characters', `${'a'.repeat(288)}@example.com`],
    ])('links an identity whose address no account could have (%s) with no address recorded', async (_case, claimed) => {
      const { token } = await registerVerified(t, `odd.claim.${claimed.length}@example.com`);
      await asProviderAccount(claimed);

      const offered = await t.http.post('/auth/identities').set(bearer(token)).send({ provider: 'test' }).expect(200);
      const started = await startFlow(t.http, Object.fromEntries(new URL(offered.body.authorizationUrl).searchParams));
      const callback = await throughProvider(started.authorizationUrl, callbackUrl());
      expect(finished(await returnToService(t.http, callback, started.cookie).expect(303)).location.hash).toBe('#linked=test');

      const listed = await t.http.get('/auth/identities').set(bearer(token)).expect(200);
      expect(listed.body).toEqual([expect.objectContaining({ provider: 'test', email: null })]);
    });

    it('refuses an identity another account holds with IDENTITY_TAKEN', async () => {
      await asProviderAccount('holder@example.com');
      await signInThroughProvider(t.http);
      const { token } = await registerVerified(t, 'would.be.second@example.com');
      const holderSub = (await identityRows((await userRow('holder@example.com')).id))[0].subject;
      await provider.nextSignIn({ sub: holderSub });

      const offered = await t.http.post('/auth/identities').set(bearer(token)).send({ provider: 'test' }).expect(200);
      const started = await startFlow(t.http, Object.fromEntries(new URL(offered.body.authorizationUrl).searchParams));
      const end = finished(
        await returnToService(t.http, await throughProvider(started.authorizationUrl, callbackUrl()), started.cookie).expect(303),
      );

      expect(end.fragment.get('error')).toBe('IDENTITY_TAKEN');
    });

    it('unlinks an identity while another way in remains, and never the last one (LAST_SIGN_IN_METHOD)', async () => {
      await asProviderAccount('only.provider@example.com');
      const end = await signInThroughProvider(t.http, { mode: 'token', codeChallenge: verifierAndChallenge().challenge });
      expect(end.fragment.has('code')).toBe(true);
      const { userId, token } = await registerVerified(t, 'has.password@example.com');
      await asProviderAccount('has.password.elsewhere@example.com');
      const offered = await t.http.post('/auth/identities').set(bearer(token)).send({ provider: 'test' }).expect(200);
      const started = await startFlow(t.http, Object.fromEntries(new URL(offered.body.authorizationUrl).searchParams));
      await returnToService(t.http, await throughProvider(started.authorizationUrl, callbackUrl()), started.cookie).expect(303);
      const [linked] = (await t.http.get('/auth/identities').set(bearer(token)).expect(200)).body as Array<{ id: number }>;

      await t.http.delete(`/auth/identities/${linked.id}`).set(bearer(token)).expect(204);
      expect(await identityRows(userId)).toEqual([]);
      expect(await eventTypes(token)).toContain('identity.unlinked');

      // The provider's own account: no password, no passkey, one identity.
      const { verifier, challenge } = verifierAndChallenge();
      await asProviderAccount('only.provider.second@example.com');
      const own = await signInThroughProvider(t.http, { mode: 'token', codeChallenge: challenge });
      const ownToken = (
        await t.http
          .post('/auth/providers/token')
          .send({ code: own.fragment.get('code'), codeVerifier: verifier })
          .expect(200)
      ).body.access_token as string;
      const [only] = (await t.http.get('/auth/identities').set(bearer(ownToken)).expect(200)).body as Array<{ id: number }>;
      const refused = await t.http.delete(`/auth/identities/${only.id}`).set(bearer(ownToken)).expect(409);
      expect(refused.body.code).toBe('LAST_SIGN_IN_METHOD');
      // Another account's identity is not found.
      await t.http.delete(`/auth/identities/${only.id}`).set(bearer(token)).expect(404);
    });
  });

  describe('a login like any other', () => {
    it('with MFA on yields only the MFA step, finished with a code (and, in token mode, the app verifier)', async () => {
      const { token } = await registerVerified(t, 'with.mfa@example.com');
      const { secret } = await turnMfaOn(t.http, token, t.clock.now());
      await asProviderAccount('with.mfa@example.com');
      const { verifier, challenge } = verifierAndChallenge();

      const end = await signInThroughProvider(t.http, { mode: 'token', codeChallenge: challenge });

      expect([...end.fragment.keys()].sort()).toEqual(['expiresIn', 'mfaToken']);
      expect(end.cookies.has(SESSION_COOKIE)).toBe(false);
      const mfaToken = end.fragment.get('mfaToken')!;
      t.clock.advance(30_000);
      const code = totpOf(secret, t.clock.now());
      const withoutVerifier = await t.http.post('/auth/mfa/verify').send({ mfaToken, code }).expect(400);
      expect(withoutVerifier.body.code).toBe('INVALID_GRANT');
      const verified = await t.http.post('/auth/mfa/verify').send({ mfaToken, code, codeVerifier: verifier }).expect(200);
      expect(verified.body.access_token).toMatch(/^nat_/);
    });

    it('of a deactivated account ends with INVALID_CREDENTIALS and no session', async () => {
      const admin = await registerVerified(t, 'provider.admin@example.com');
      await makeAdmin(t, admin.userId);
      const adminToken = await login(t.http, 'provider.admin@example.com');
      const { userId } = await registerVerified(t, 'to.deactivate@example.com');
      await t.http.patch(`/admin/users/${userId}`).set(bearer(adminToken)).send({ isActive: false }).expect(200);
      await asProviderAccount('to.deactivate@example.com');

      const end = await signInThroughProvider(t.http);

      expect(end.fragment.get('error')).toBe('INVALID_CREDENTIALS');
      expect(end.cookies.has(SESSION_COOKIE)).toBe(false);
    });

    it('ends with ACCESS_DENIED when the person refuses at the provider', async () => {
      await provider.nextSignIn({ error: 'access_denied' });

      const end = await signInThroughProvider(t.http, { redirectTo: 'http://localhost:3000/after' });

      expect(end.location.href).toBe('http://localhost:3000/after#error=ACCESS_DENIED');
    });
  });

  describe('on two instances', () => {
    const other = useTestApp(() => ({
      http: { publicUrl: PUBLIC_URL },
      identityProviders: { providers: [provider.setting('test', 'Test provider')] },
    }));

    it('finishes on one instance a flow started on the other, whose token the first accepts', async () => {
      await asProviderAccount('two.instances@example.com');
      const { verifier, challenge } = verifierAndChallenge();

      const started = await startFlow(t.http, { mode: 'token', codeChallenge: challenge });
      const callback = await throughProvider(started.authorizationUrl, callbackUrl());
      const end = finished(await returnToService(other.http, callback, started.cookie).expect(303));
      const exchanged = await other.http
        .post('/auth/providers/token')
        .send({ code: end.fragment.get('code'), codeVerifier: verifier })
        .expect(200);

      const me = await t.http.get('/users/me').set(bearer(exchanged.body.access_token)).expect(200);
      expect(me.body.email).toBe('two.instances@example.com');
    });
  });

  describe('the flow is bound to the browser that started it (security item 55)', () => {
    it('refuses a callback without the binding cookie, with another flow’s, or replayed, with 400 INVALID_STATE', async () => {
      await asProviderAccount('binding@example.com');
      const first = await startFlow(t.http);
      const second = await startFlow(t.http);
      const callback = await throughProvider(first.authorizationUrl, callbackUrl());

      const without = await returnToService(t.http, callback, undefined).expect(400);
      expect(without.body.code).toBe('INVALID_STATE');
      expect(without.headers.location).toBeUndefined();
      await returnToService(t.http, callback, second.cookie).expect(400);
      await returnToService(t.http, callback, first.cookie).expect(303);
      const replayed = await returnToService(t.http, callback, first.cookie).expect(400);
      expect(replayed.body.code).toBe('INVALID_STATE');
    });

    it('lets two flows of one browser (two tabs) both finish', async () => {
      await asProviderAccount('two.tabs@example.com');
      const first = await startFlow(t.http);
      const second = await startFlow(t.http);
      const cookie = `${first.cookie}; ${second.cookie}`;

      const firstBack = await throughProvider(first.authorizationUrl, callbackUrl());
      const secondBack = await throughProvider(second.authorizationUrl, callbackUrl());

      expect(finished(await returnToService(t.http, secondBack, cookie).expect(303)).cookies.has(SESSION_COOKIE)).toBe(true);
      expect(finished(await returnToService(t.http, firstBack, cookie).expect(303)).cookies.has(SESSION_COOKIE)).toBe(true);
    });

    it('has the flow expire after 10 minutes', async () => {
      await asProviderAccount('slow.person@example.com');
      const started = await startFlow(t.http);
      const callback = await throughProvider(started.authorizationUrl, callbackUrl());
      t.clock.advance(600_000);

      await returnToService(t.http, callback, started.cookie).expect(400);
    });
  });
});

describe('Sign-in through a provider with EMAIL_VERIFICATION=required', () => {
  let provider: OidcTestProvider;
  beforeAll(async () => {
    provider = await startOidcProvider([callbackUrl('test')]);
  });
  afterAll(() => provider?.stop());
  const t = useTestApp(() => ({
    account: { emailVerification: 'required' },
    http: { publicUrl: PUBLIC_URL },
    identityProviders: { providers: [provider.setting()] },
  }));

  it('gives no session to an unproven address, and mails its verification link', async () => {
    await provider.setAccounts({ unproven: { email: 'unproven@example.com', email_verified: false } });
    await provider.nextSignIn({ sub: 'unproven' });

    const end = await signInThroughProvider(t.http);

    expect(end.fragment.get('error')).toBe('EMAIL_NOT_VERIFIED');
    expect(end.cookies.has(SESSION_COOKIE)).toBe(false);
    await deliverMail(t);
    expect((await t.mailbox.messagesTo('unproven@example.com')).map((mail) => mail.subject)).toContain('Confirm your email address');
  });
});
