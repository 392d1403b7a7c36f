import type { Response } from 'supertest';
import { MfaChallengesService } from '../../src/auth/mfa/mfa-challenges.service';
import { PasskeyAssertionsService } from '../../src/auth/passkeys/passkey-assertions.service';
import { PasswordHasher } from '../../src/auth/passwords/password-hasher';
import { AccountStandingService } from '../../src/auth/account-standing/account-standing.service';
import { AttemptThrottleService } from '../../src/auth/throttling/attempt-throttle.service';
import { PersonalTokensService } from '../../src/auth/tokens/personal-tokens.service';
import { SecondFactorService } from '../../src/auth/mfa/second-factor.service';
import { WebAuthnChallenges } from '../../src/auth/passkeys/webauthn-challenges';
import { MfaService } from '../../src/mfa/mfa.service';
import { UsersService } from '../../src/users/users.service';
import { PasswordResetService } from '../../src/password-reset/password-reset.service';
import { NotesModule } from '../fixtures/notes/notes.module';
import { bodyRoutesOf, documentedRoutesOf, encodeFields } from '../support/body-routes';
import { eventually } from '../support/eventually';
import { sendRaw } from '../support/raw-request';
import { OpenApiDocument } from '../support/served-routes';
import { linkTokenOf, SmtpSink } from '../support/smtp-sink';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { totpOf } from '../support/totp';
import {
  addPasskey,
  bearer,
  createTestApp,
  deliverMail,
  login,
  makeAdmin,
  passkeyLoginOptions,
  PASSWORD,
  registerAndLogin,
  registerVerified,
  resetDatabase,
  rowCounts,
  TestApp,
  turnMfaOn,
} from '../support/test-app';

/**
 * Security items 76-86 of docs/security.md (issue 22's rows), each shown on
 * real MySQL with the tests' SMTP server: adding a passkey needs
 * re-authentication, credentials need a verified address, links die with
 * their address and with a deactivation, logins racing a change of
 * credentials keep no token, no address is mailed more than a few times an
 * hour, names and addresses hold nothing that a mail would show otherwise,
 * numbers are canonical and bodiless routes take no body.
 */
const ORIGIN = 'http://localhost:3000';
const NEW_PASSWORD = 'a brand new passphrase';

let sink: SmtpSink;
let t: TestApp;
beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await createTestApp({ mailSink: sink, imports: [NotesModule] });
});
afterAll(async () => {
  await t?.close();
  await sink?.stop();
});
beforeEach(() => resetDatabase(t.db));

const me = (token: string) => t.http.get('/users/me').set(bearer(token));
const passkeyOptions = (token: string, body: Record<string, unknown>) =>
  t.http.post('/auth/passkeys/registration-options').set(bearer(token)).send(body);
const createPersonalToken = (token: string) =>
  t.http
    .post('/auth/tokens')
    .set(bearer(token))
    .send({ name: 'ci', scopes: ['account'] });

/** The token of the latest message to `address` whose subject is `subject`, once it has arrived. */
async function linkIn(address: string, subject: string, count = 1): Promise<string> {
  const arrived = await eventually(() => sink.to(address).filter((mail) => mail.subject === subject).length >= count, 20_000, 20);
  if (!arrived) throw new Error(`no message "${subject}" ${count} to ${address}`);
  return linkTokenOf(sink.to(address).filter((mail) => mail.subject === subject)[count - 1]);
}

async function resetPassword(email: string, password: string, count = 1): Promise<void> {
  await t.http.post('/auth/password-reset').send({ email }).expect(202);
  const token = await linkIn(email, 'Reset your password', count);
  await t.http.post('/auth/password-reset/confirm').send({ token, password }).expect(204);
}

const tokenRowsOf = async (userId: number) =>
  Number((await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM access_tokens WHERE user_id = ?', [userId]))[0].n);

/**
 * Holds the next call of `object[method]` once it has resolved, until
 * released: the window in which a race happens, opened on purpose instead of
 * hoped for. `arrived` resolves when the call is held.
 */
function holdNextCall(object: object, method: string, moment: 'after' | 'before' = 'after') {
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const original = (object as Record<string, (...args: unknown[]) => Promise<unknown>>)[method].bind(object);
  jest.spyOn(object as Record<string, (...args: unknown[]) => Promise<unknown>>, method).mockImplementationOnce(async (...args) => {
    if (moment === 'before') {
      arrive();
      await released;
      return original(...args);
    }
    const result = await original(...args);
    arrive();
    await released;
    return result;
  });
  return { arrived, release };
}

/**
 * Sends `request`, held at `held`; makes `change` while it is held, then lets
 * it go: its status, and how many tokens of the user it left stored beyond
 * those the change kept.
 */
async function raced(
  held: ReturnType<typeof holdNextCall>,
  request: PromiseLike<Response>,
  change: () => Promise<unknown>,
  userId: number,
): Promise<{ status: number; tokensLeft: number }> {
  // supertest sends on `then`: now, and answered later.
  const answer = Promise.resolve(request);
  await held.arrived;
  await change();
  const kept = await tokenRowsOf(userId);
  held.release();
  const { status } = await answer;
  return { status, tokensLeft: (await tokenRowsOf(userId)) - kept };
}

describe('item 76: adding a passkey needs the current password, a code when MFA is on, and a session token', () => {
  it('refuses a stolen session without the password, a wrong password, and a personal token even scoped account and with the password', async () => {
    const { token } = await registerVerified(t, 'owner76@example.com');
    const personal = (await createPersonalToken(token).expect(201)).body.token as string;

    await passkeyOptions(token, {}).expect(400);
    const wrong = await passkeyOptions(token, { currentPassword: 'not the password' }).expect(403);
    expect(wrong.body.code).toBe('INVALID_CURRENT_PASSWORD');
    const byPersonalToken = await passkeyOptions(personal, { currentPassword: PASSWORD }).expect(403);
    expect(byPersonalToken.body.code).toBe('FORBIDDEN');
    const finishByPersonalToken = await t.http.post('/auth/passkeys').set(bearer(personal)).send({ response: {} }).expect(403);
    expect(finishByPersonalToken.body.code).toBe('FORBIDDEN');

    await passkeyOptions(token, { currentPassword: PASSWORD }).expect(200);
  });

  it('asks for a code when MFA is on, counted like any wrong code', async () => {
    const { token } = await registerVerified(t, 'mfa76@example.com');
    const { secret } = await turnMfaOn(t.http, token, t.clock.now());

    const noCode = await passkeyOptions(token, { currentPassword: PASSWORD }).expect(403);
    expect(noCode.body.code).toBe('INVALID_MFA_CODE');
    t.clock.advance(30_000);
    await passkeyOptions(token, { currentPassword: PASSWORD, code: totpOf(secret, t.clock.now()) }).expect(200);
  });

  it('lets nothing the personal token added outlive a password reset: it could add no passkey, and it dies', async () => {
    const { token } = await registerVerified(t, 'victim76@example.com');
    const personal = (await createPersonalToken(token).expect(201)).body.token as string;
    await passkeyOptions(personal, { currentPassword: PASSWORD }).expect(403);

    await resetPassword('victim76@example.com', NEW_PASSWORD);

    await me(personal).expect(401);
    expect(await t.db.query('SELECT id FROM passkeys')).toEqual([]);
  });
});

describe('item 77: no credential beyond the password on an unverified address (pre-account hijacking)', () => {
  it('refuses a passkey, TOTP and a personal token with 403 EMAIL_NOT_VERIFIED, and takes them once the address is verified', async () => {
    const { token } = await registerAndLogin(t.http, 'unverified77@example.com');

    for (const refused of [
      await passkeyOptions(token, { currentPassword: PASSWORD }),
      await t.http.post('/auth/mfa/totp').set(bearer(token)).send({ currentPassword: PASSWORD }),
      await t.http.post('/auth/mfa/totp/confirm').set(bearer(token)).send({ code: '123456' }),
      await createPersonalToken(token),
      await t.http.post('/auth/passkeys').set(bearer(token)).send({ response: {} }),
    ]) {
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED' });
    }
    expect(await t.db.query('SELECT user_id FROM totp_factors')).toEqual([]);

    await t.http
      .post('/auth/email-verification/confirm')
      .send({ token: await linkIn('unverified77@example.com', 'Confirm your email address') })
      .expect(200);
    await passkeyOptions(token, { currentPassword: PASSWORD }).expect(200);
    await createPersonalToken(token).expect(201);
  });

  it('leaves the first registrant nothing that signs in once the owner recovers the address by a reset', async () => {
    const { token: attacker } = await registerAndLogin(t.http, 'someone77@example.com', 'the attacker knows this');
    await passkeyOptions(attacker, { currentPassword: 'the attacker knows this' }).expect(403);
    await createPersonalToken(attacker).expect(403);

    await resetPassword('someone77@example.com', NEW_PASSWORD);

    await me(attacker).expect(401);
    await t.http.post('/auth/token').send({ email: 'someone77@example.com', password: 'the attacker knows this' }).expect(401);
    expect(await t.db.query('SELECT user_id FROM passkeys UNION ALL SELECT user_id FROM totp_factors')).toEqual([]);
    const owner = await login(t.http, 'someone77@example.com', NEW_PASSWORD);
    await expect(me(owner).then((response) => response.body.emailVerified)).resolves.toBe(true);
  });
});

describe('item 78: a link is bound to the address it was sent to', () => {
  it('kills the reset and verification links sent to the old address once an email change is confirmed', async () => {
    const { token } = await registerAndLogin(t.http, 'old78@example.com');
    const verification = await linkIn('old78@example.com', 'Confirm your email address');
    await t.http.post('/auth/password-reset').send({ email: 'old78@example.com' }).expect(202);
    const reset = await linkIn('old78@example.com', 'Reset your password');

    await t.http.patch('/users/me').set(bearer(token)).send({ email: 'new78@example.com', currentPassword: PASSWORD }).expect(200);
    const change = await linkIn('new78@example.com', 'Confirm your new email address');
    await t.http.post('/users/me/email/confirm').send({ token: change }).expect(200);

    const resetAnswer = await t.http.post('/auth/password-reset/confirm').send({ token: reset, password: NEW_PASSWORD }).expect(400);
    expect(resetAnswer.body.code).toBe('INVALID_LINK');
    const verifyAnswer = await t.http.post('/auth/email-verification/confirm').send({ token: verification }).expect(400);
    expect(verifyAnswer.body.code).toBe('INVALID_LINK');
    await t.http.post('/auth/token').send({ email: 'new78@example.com', password: PASSWORD }).expect(200);
  });
});

describe('item 79: a login, passkey sign-in, MFA step or personal-token creation in flight keeps no token past a change of credentials', () => {
  interface Racer {
    userId: number;
    email: string;
    /** Another session of the user, to make the change with. */
    other: string;
  }

  async function racer(email: string, options: { admin?: boolean } = {}): Promise<Racer> {
    const { userId } = await registerVerified(t, email);
    if (options.admin) {
      // Another admin stays, so that this one may be demoted (LAST_ADMIN otherwise).
      const keeper = await registerAndLogin(t.http, 'keeper79@example.com');
      await makeAdmin(t, keeper.userId);
      await makeAdmin(t, userId);
    }
    return { userId, email, other: await login(t.http, email) };
  }

  // Every row has its three values: a row shorter than the test's parameters would make Jest pass a `done` callback.
  const changes: Array<[string, (racing: Racer) => Promise<unknown>, { admin?: boolean }]> = [
    [
      'the password changes',
      ({ other }) => t.http.patch('/users/me').set(bearer(other)).send({ password: NEW_PASSWORD, currentPassword: PASSWORD }).expect(200),
      {},
    ],
    ['a reset completes', ({ email }) => resetPassword(email, NEW_PASSWORD), {}],
    ['MFA turns on', ({ other }) => turnMfaOn(t.http, other, t.clock.now()), {}],
    ['the user is deactivated', ({ userId }) => t.app.get(AccountStandingService).change(userId, { isActive: false }, null), {}],
    ['the user is demoted', ({ userId }) => t.app.get(AccountStandingService).change(userId, { role: 'user' }, null), { admin: true }],
    [
      'the account is deleted',
      ({ other }) => t.http.delete('/users/me').set(bearer(other)).send({ currentPassword: PASSWORD }).expect(204),
      {},
    ],
  ];

  it.each(changes)(
    'a password login held after its bcrypt step while %s answers 401 and stores no token',
    async (_change, change, options) => {
      const racing = await racer('racer79@example.com', options);
      const held = holdNextCall(t.app.get(PasswordHasher), 'verify');
      const login = t.http.post('/auth/token').send({ email: racing.email, password: PASSWORD });

      expect(await raced(held, login, () => change(racing), racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
    },
  );

  it.each([
    ['a reset completes', (racing: Racer) => resetPassword(racing.email, NEW_PASSWORD)],
    [
      'its passkey is removed',
      async ({ other }: Racer) => {
        const [{ id }] = await t.db.query<Array<{ id: number }>>('SELECT id FROM passkeys');
        await t.http.delete(`/auth/passkeys/${id}`).set(bearer(other)).expect(204);
      },
    ],
    ['the user is deactivated', ({ userId }: Racer) => t.app.get(AccountStandingService).change(userId, { isActive: false }, null)],
  ])('a passkey sign-in held after its assertion was verified while %s answers 401', async (_change, change) => {
    const racing = await racer('passkey79@example.com');
    const authenticator = new SoftAuthenticator(ORIGIN);
    await addPasskey(t.http, racing.other, authenticator);
    const held = holdNextCall(t.app.get(PasskeyAssertionsService), 'verify');
    const response = authenticator.authenticate(await passkeyLoginOptions(t.http));
    const signIn = t.http.post('/auth/passkeys/authentication').send({ response });

    expect(await raced(held, signIn, () => change(racing), racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
  });

  it.each([
    [
      'the password changes',
      ({ other }: Racer) =>
        t.http.patch('/users/me').set(bearer(other)).send({ password: NEW_PASSWORD, currentPassword: PASSWORD }).expect(200),
    ],
    [
      'MFA turns off',
      ({ other }: Racer, secret: string) => {
        t.clock.advance(30_000);
        return t.http
          .delete('/auth/mfa')
          .set(bearer(other))
          .send({ currentPassword: PASSWORD, code: totpOf(secret, t.clock.now()) })
          .expect(204);
      },
    ],
  ])('an MFA step held after its code was accepted while %s answers 401', async (_change, change) => {
    const racing = await racer('mfa79@example.com');
    const { secret } = await turnMfaOn(t.http, racing.other, t.clock.now());
    const challenge = await t.http.post('/auth/token').send({ email: racing.email, password: PASSWORD }).expect(403);
    t.clock.advance(30_000);
    const held = holdNextCall(t.app.get(MfaChallengesService), 'finish');
    const verify = t.http.post('/auth/mfa/verify').send({ mfaToken: challenge.body.mfaToken, code: totpOf(secret, t.clock.now()) });

    expect(await raced(held, verify, () => change(racing, secret), racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
  });

  it('a personal-token creation held while the password changes in another session makes no token', async () => {
    const racing = await racer('personal79@example.com');
    const creator = await login(t.http, racing.email);
    const held = holdNextCall(t.app.get(PersonalTokensService), 'create', 'before');
    const changePassword = () =>
      t.http.patch('/users/me').set(bearer(racing.other)).send({ password: NEW_PASSWORD, currentPassword: PASSWORD }).expect(200);

    expect(await raced(held, createPersonalToken(creator), changePassword, racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
    expect(await t.db.query("SELECT id FROM access_tokens WHERE kind = 'personal'")).toEqual([]);
  });

  /**
   * The other way round: a stolen session (with the password) keeps a change
   * of credentials in flight past its checks while the owner resets the
   * password. The reset ends that session; the change must not land after it.
   */
  describe('a change of credentials in flight from a session that the owner’s reset ends changes nothing', () => {
    const ownerResets = (email: string) => () => resetPassword(email, NEW_PASSWORD);

    it('a password change held after its password check', async () => {
      const racing = await racer('attacked79a@example.com');
      const held = holdNextCall(t.app.get(PasswordHasher), 'hash', 'before');
      const change = t.http
        .patch('/users/me')
        .set(bearer(racing.other))
        .send({ password: 'the attacker’s own phrase', currentPassword: PASSWORD });

      expect(await raced(held, change, ownerResets(racing.email), racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
      await t.http.post('/auth/token').send({ email: racing.email, password: NEW_PASSWORD }).expect(200);
      await t.http.post('/auth/token').send({ email: racing.email, password: 'the attacker’s own phrase' }).expect(401);
    });

    it('an email change held after its password check', async () => {
      const racing = await racer('attacked79b@example.com');
      const held = holdNextCall(t.app.get(AttemptThrottleService), 'countEmailChange', 'before');
      const change = t.http
        .patch('/users/me')
        .set(bearer(racing.other))
        .send({ email: 'attacker79@example.com', currentPassword: PASSWORD });

      expect(await raced(held, change, ownerResets(racing.email), racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
      expect(await me(await login(t.http, racing.email, NEW_PASSWORD)).then((answer) => answer.body.pendingEmail)).toBeNull();
    });

    it('a passkey registration held after its challenge was taken', async () => {
      const racing = await racer('attacked79c@example.com');
      const options = await passkeyOptions(racing.other, { currentPassword: PASSWORD }).expect(200);
      const { response } = new SoftAuthenticator(ORIGIN).register(options.body);
      const held = holdNextCall(t.app.get(WebAuthnChallenges), 'take');
      const registration = t.http.post('/auth/passkeys').set(bearer(racing.other)).send({ response });

      expect(await raced(held, registration, ownerResets(racing.email), racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
      expect(await t.db.query('SELECT id FROM passkeys')).toEqual([]);
    });

    it('a confirmation of TOTP enrolment held before it runs', async () => {
      const racing = await racer('attacked79d@example.com');
      const { secret } = (await t.http.post('/auth/mfa/totp').set(bearer(racing.other)).send({ currentPassword: PASSWORD }).expect(200))
        .body as { secret: string };
      const held = holdNextCall(t.app.get(MfaService), 'confirmEnrolment', 'before');
      const confirmation = t.http
        .post('/auth/mfa/totp/confirm')
        .set(bearer(racing.other))
        .send({ code: totpOf(secret, t.clock.now()) });

      expect(await raced(held, confirmation, ownerResets(racing.email), racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
      const owner = await t.http.post('/auth/token').send({ email: racing.email, password: NEW_PASSWORD }).expect(200);
      expect((await me(owner.body.access_token).expect(200)).body.mfaEnabled).toBe(false);
    });

    it('an account deletion held after its password check', async () => {
      const racing = await racer('attacked79e@example.com');
      const held = holdNextCall(t.app.get(SecondFactorService), 'withCodeIfEnabled', 'before');
      const deletion = t.http.delete('/users/me').set(bearer(racing.other)).send({ currentPassword: PASSWORD });

      expect(await raced(held, deletion, ownerResets(racing.email), racing.userId)).toEqual({ status: 401, tokensLeft: 0 });
      await t.http.post('/auth/token').send({ email: racing.email, password: NEW_PASSWORD }).expect(200);
    });
  });
});

describe('item 80: no route lets one client or account mail one address more than a few times an hour', () => {
  it('email changes: 3 confirmation mails an hour to one address, whoever asks', async () => {
    const first = (await registerAndLogin(t.http, 'asker80a@example.com')).token;
    const second = (await registerAndLogin(t.http, 'asker80b@example.com')).token;
    const statuses: number[] = [];
    for (const token of [first, first, second, second]) {
      statuses.push(
        (await t.http.patch('/users/me').set(bearer(token)).send({ email: 'victim80@example.com', currentPassword: PASSWORD })).status,
      );
    }

    expect(statuses).toEqual([200, 200, 200, 429]);
    await deliverMail(t);
    expect(sink.to('victim80@example.com')).toHaveLength(3);
  });

  it('registration and deletion cycles: the 4th registration of an address in an hour gets 429, and 3 verification mails went', async () => {
    const statuses: number[] = [];
    for (let cycle = 0; cycle < 4; cycle++) {
      const registered = await t.http.post('/auth/register').send({ email: 'cycled80@example.com', password: PASSWORD });
      statuses.push(registered.status);
      if (registered.status !== 201) break;
      const token = await login(t.http, 'cycled80@example.com');
      await t.http.delete('/users/me').set(bearer(token)).send({ currentPassword: PASSWORD }).expect(204);
    }

    expect(statuses).toEqual([201, 201, 201, 429]);
    await deliverMail(t);
    expect(sink.to('cycled80@example.com').filter((mail) => mail.subject === 'Confirm your email address')).toHaveLength(3);
  });

  it('a taken address does not spend its registrations: the 409s leave the budget whole', async () => {
    await registerAndLogin(t.http, 'taken80@example.com');
    for (let attempt = 0; attempt < 4; attempt++) {
      await t.http.post('/auth/register').send({ email: 'taken80@example.com', password: PASSWORD }).expect(409);
    }
  });

  it('reset requests: each answered 202 alike, but only 3 links an hour reach the address', async () => {
    await registerAndLogin(t.http, 'reset80@example.com');
    for (let request = 0; request < 6; request++) {
      await t.http.post('/auth/password-reset').send({ email: 'reset80@example.com' }).expect(202);
    }
    await t.app.get(PasswordResetService).beforeApplicationShutdown();
    await deliverMail(t);

    expect(sink.to('reset80@example.com').filter((mail) => mail.subject === 'Reset your password')).toHaveLength(3);
  });

  it('password changes: each takes effect, the address gets 3 notices an hour', async () => {
    const { token } = await registerAndLogin(t.http, 'notices80@example.com');
    const passwords = [PASSWORD, 'second passphrase here', 'third passphrase here', 'fourth passphrase here', 'fifth passphrase here'];
    for (let change = 1; change < passwords.length; change++) {
      await t.http
        .patch('/users/me')
        .set(bearer(token))
        .send({ password: passwords[change], currentPassword: passwords[change - 1] })
        .expect(200);
    }
    await deliverMail(t);

    expect(sink.to('notices80@example.com').filter((mail) => mail.subject === 'Your password was changed')).toHaveLength(3);
    await t.http.post('/auth/token').send({ email: 'notices80@example.com', password: passwords[4] }).expect(200);
  });
});

describe('items 82: email-change requests are throttled per user, whether the address is free or taken', () => {
  it('answers 429 to the 6th request of the hour, for a free and a taken address alike', async () => {
    await registerAndLogin(t.http, 'taken82@example.com');
    const { token } = await registerAndLogin(t.http, 'prober82@example.com');
    const probe = (email: string) => t.http.patch('/users/me').set(bearer(token)).send({ email, currentPassword: PASSWORD });

    const answers = [];
    for (const email of [
      'free82a@example.com',
      'taken82@example.com',
      'free82b@example.com',
      'taken82@example.com',
      'free82c@example.com',
    ]) {
      answers.push((await probe(email)).status);
    }
    const past = [await probe('free82d@example.com'), await probe('taken82@example.com')];

    expect(answers).toEqual([200, 409, 200, 409, 200]);
    expect(past.map((answer) => [answer.status, answer.body.code, Number(answer.headers['retry-after']) > 0])).toEqual([
      [429, 'TOO_MANY_REQUESTS', true],
      [429, 'TOO_MANY_REQUESTS', true],
    ]);
  });
});

describe('item 83: names a user gives hold no control, format or invisible character, and are escaped in mails', () => {
  const hostile = ['evil\u202etxt.exe', 'zero\u200bwidth', 'soft\u00adhyphen', 'bell\u0007', 'line\nbreak', '\u2060', '   '];

  it.each(hostile)('refuses %j as a personal token name and as a passkey name, with 400 naming the field', async (name) => {
    const { token } = await registerVerified(t, 'names83@example.com');
    const personal = await t.http.post('/auth/tokens').set(bearer(token)).send({ name, scopes: [] }).expect(400);
    expect(personal.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    const passkey = await t.http.post('/auth/passkeys').set(bearer(token)).send({ name, response: {} }).expect(400);
    expect(passkey.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  it('escapes a passkey name in the HTML of the notice, and keeps it as typed in the text', async () => {
    const { token } = await registerVerified(t, 'escape83@example.com');
    await addPasskey(t.http, token, new SoftAuthenticator(ORIGIN), '<b>Work</b> "laptop"');
    await deliverMail(t);

    const [notice] = sink.to('escape83@example.com').filter((mail) => mail.subject === 'A passkey was added to your account');
    expect(notice.text).toContain('<b>Work</b> "laptop"');
    expect(notice.html).toContain('&lt;b&gt;Work&lt;/b&gt; &quot;laptop&quot;');
    expect(notice.html).not.toContain('<b>Work</b>');
  });

  it('counts a name as the column does (code points): 100 × a + U+FE0F is 101 characters, a 400 and never a 500', async () => {
    const { token } = await registerVerified(t, 'length83@example.com');
    const name = `${'a'.repeat(100)}\ufe0f`;
    await t.http.post('/auth/tokens').set(bearer(token)).send({ name, scopes: [] }).expect(400);
    await t.http.post('/auth/passkeys').set(bearer(token)).send({ name, response: {} }).expect(400);
    await t.http
      .post('/auth/tokens')
      .set(bearer(token))
      .send({ name: `${'a'.repeat(99)}\ufe0f`, scopes: [] })
      .expect(201);
  });
});

describe('item 84: canonical decimal numbers in paths and queries, and no body on a route that takes none', () => {
  let admin: { userId: number; token: string };
  let document: OpenApiDocument;

  beforeEach(async () => {
    admin = await registerVerified(t, 'admin84@example.com');
    await makeAdmin(t, admin.userId);
    admin.token = await login(t.http, 'admin84@example.com');
    document = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  const send = (method: string, path: string, secured: boolean, body?: string) =>
    sendRaw(t, {
      method,
      path,
      headers: [...(secured ? ['Authorization', `Bearer ${admin.token}`] : []), ...(body ? ['Content-Type', 'application/json'] : [])],
      body,
    });

  it('answers 404 to every non-canonical id, on every route with an id in its path', async () => {
    const withId = documentedRoutesOf(t, document).filter(({ path }) => path.includes(':'));
    expect(withId.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['GET /admin/users/:id', 'DELETE /auth/tokens/:id', 'DELETE /auth/passkeys/:id']),
    );
    for (const route of withId) {
      for (const id of ['0x10', '1e1', '+5', '%2017', '017', '1.0', '0']) {
        // A valid (empty) body where the route takes one: only the id is wrong.
        const answer = await send(route.method, route.path.replace(/:\w+/g, id), route.secured, route.takesBody ? '{}' : undefined);
        expect({ route: `${route.method} ${route.path}`, id, status: answer.status }).toEqual({
          route: `${route.method} ${route.path}`,
          id,
          status: 404,
        });
      }
    }
  });

  it('never reads a hexadecimal id as the decimal one: user 16 and token 16 stay out of reach of 0x10', async () => {
    for (let user = 2; user <= 16; user++)
      await t.db.query('INSERT INTO users (id, email, hashed_password, created_at, updated_at) VALUES (?, ?, ?, NOW(6), NOW(6))', [
        admin.userId + user,
        `filler${user}@example.com`,
        'x',
      ]);
    const target = admin.userId + 16;
    await send('GET', `/admin/users/0x${target.toString(16)}`, true).then((answer) => expect(answer.status).toBe(404));
    const tokenId = (await t.http.get('/auth/tokens').set(bearer(admin.token)).expect(200)).body[0].id as number;
    await send('DELETE', `/auth/tokens/0x${tokenId.toString(16)}`, true).then((answer) => expect(answer.status).toBe(404));
    await me(admin.token).expect(200);
  });

  it('answers 400 to every non-canonical number, in every numeric query parameter', async () => {
    const numeric = documentedRoutesOf(t, document).flatMap((route) =>
      route.query.filter(({ type }) => type === 'number' || type === 'integer').map(({ name }) => ({ ...route, name })),
    );
    expect(numeric.map(({ path, name }) => `${path}?${name}`)).toEqual(
      expect.arrayContaining(['/admin/users?limit', '/admin/security-events?userId', '/users/me/security-events?limit']),
    );
    for (const route of numeric) {
      for (const value of ['0x10', '1e1', '+5', '%2017', '017', '10.0', '']) {
        const answer = await send(route.method, `${route.path}?${route.name}=${value}`, route.secured);
        expect({ route: `${route.path}?${route.name}`, value, status: answer.status }).toEqual({
          route: `${route.path}?${route.name}`,
          value,
          status: 400,
        });
      }
      await send(route.method, `${route.path}?${route.name}=10`, route.secured).then((answer) => expect(answer.status).toBe(200));
    }
  });

  it('answers 400 VALIDATION_FAILED to a body with fields on every route that takes none, and does nothing', async () => {
    const bodiless = documentedRoutesOf(t, document).filter(({ takesBody }) => !takesBody);
    expect(bodiless.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining([
        'POST /auth/email-verification',
        'DELETE /auth/tokens',
        'POST /auth/passkeys/authentication-options',
        'POST /auth/logout',
      ]),
    );
    const before = await rowCounts(t.db);
    for (const route of bodiless) {
      const answer = await send(route.method, route.path.replace(/:\w+/g, '1'), route.secured, '{"everywhere":true}');
      expect({ route: `${route.method} ${route.path}`, status: answer.status, code: (answer.body as { code?: string }).code }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    expect(await rowCounts(t.db)).toEqual(before);
    await me(admin.token).expect(200);
  });
});

describe('item 85: a deactivation kills the links mailed to the user, also after a reactivation', () => {
  it('refuses the verification, reset and email-change links issued before it with 400 INVALID_LINK', async () => {
    const { userId, token } = await registerAndLogin(t.http, 'links85@example.com');
    const verification = await linkIn('links85@example.com', 'Confirm your email address');
    await t.http.post('/auth/password-reset').send({ email: 'links85@example.com' }).expect(202);
    const reset = await linkIn('links85@example.com', 'Reset your password');
    await t.http.patch('/users/me').set(bearer(token)).send({ email: 'next85@example.com', currentPassword: PASSWORD }).expect(200);
    const change = await linkIn('next85@example.com', 'Confirm your new email address');

    await t.app.get(AccountStandingService).change(userId, { isActive: false }, null);
    await t.app.get(AccountStandingService).change(userId, { isActive: true }, null);

    for (const answer of [
      await t.http.post('/auth/email-verification/confirm').send({ token: verification }),
      await t.http.post('/auth/password-reset/confirm').send({ token: reset, password: NEW_PASSWORD }),
      await t.http.post('/users/me/email/confirm').send({ token: change }),
    ]) {
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code: 'INVALID_LINK' });
    }
    await t.http.post('/auth/token').send({ email: 'links85@example.com', password: PASSWORD }).expect(200);
  });

  it('writes no reset link for a request whose account was deactivated while it was being answered', async () => {
    const { userId } = await registerAndLogin(t.http, 'racing85@example.com');
    const held = holdNextCall(t.app.get(UsersService), 'findByEmail');
    await t.http.post('/auth/password-reset').send({ email: 'racing85@example.com' }).expect(202);
    await held.arrived;

    await t.app.get(AccountStandingService).change(userId, { isActive: false }, null);
    held.release();
    await t.app.get(PasswordResetService).beforeApplicationShutdown();

    expect(await t.db.query("SELECT id FROM link_tokens WHERE user_id = ? AND purpose = 'reset-password'", [userId])).toEqual([]);
  });
});

describe('item 86: the address mailed is the address stored: quoted local parts and rewritable addresses are refused', () => {
  it('refuses them with 400 naming the field, in every email field of every route that takes one', async () => {
    const admin = await registerVerified(t, 'owner86@example.com');
    const document = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    const routes = bodyRoutesOf(t, document).filter(({ emailFields }) => emailFields.length > 0);
    expect(routes.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['POST /auth/register', 'POST /auth/token', 'POST /auth/password-reset', 'PATCH /users/me']),
    );
    const addresses = [
      '"account locked: call +1 555 0100"@x.example',
      '"a<b>c"@d.example',
      '"plain"@example.com',
      'john..doe@example.com',
      '.john@example.com',
      'john.@example.com',
      'a(comment)b@example.com',
    ];
    const before = await rowCounts(t.db);
    for (const route of routes) {
      for (const [mediaType, fields] of Object.entries(route.fields)) {
        for (const field of route.emailFields.filter((name) => fields.includes(name))) {
          for (const address of addresses) {
            const answer = await sendRaw(t, {
              method: route.method,
              path: route.path,
              headers: ['Content-Type', mediaType, ...(route.secured ? ['Authorization', `Bearer ${admin.token}`] : [])],
              body: encodeFields(mediaType, { [field]: address }),
            });
            const errors = (answer.body as { errors?: Array<{ field: string }> }).errors ?? [];
            expect({
              route: `${route.method} ${route.path}`,
              field,
              address,
              status: answer.status,
              named: errors.some((error) => error.field === field),
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
    expect(await rowCounts(t.db)).toEqual(before);
    await deliverMail(t);
    expect(sink.received.filter((mail) => mail.to.some((to) => to.includes('"')))).toEqual([]);
  });
});

describe('issue 22 row 11: the admins’ search is normalised as emails are', () => {
  it('finds ada@example.com by ADA@EXAMPLE and by its fullwidth spelling', async () => {
    const admin = await registerVerified(t, 'admin11@example.com');
    await makeAdmin(t, admin.userId);
    const token = await login(t.http, 'admin11@example.com');
    await registerAndLogin(t.http, 'ada@example.com');

    for (const search of ['ADA@EXAMPLE', 'Ada@Example.COM', 'ａｄａ@', ' ada@example.com ']) {
      const found = await t.http.get('/admin/users').query({ search }).set(bearer(token)).expect(200);
      expect({ search, emails: found.body.items.map((item: { email: string }) => item.email) }).toEqual({
        search,
        emails: ['ada@example.com'],
      });
    }
  });
});
