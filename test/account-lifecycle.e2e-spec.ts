import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { OutboxSender } from '../src/mail/outbox.sender';
import { DeadRowPruner } from '../src/database/dead-row.pruner';
import { SENT_MAIL_RETENTION_MS } from '../src/mail/sent-mail.pruning-step';
import { LogCapture } from './support/log-capture';
import { cookieLogin } from './support/session-cookies';
import { linkTokenOf, ReceivedMail, SmtpSink } from './support/smtp-sink';
import {
  bearer,
  createTestApp,
  login,
  PASSWORD,
  registerAndLogin,
  resetDatabase,
  TestApp,
  TestAppOptions,
  useApp,
} from './support/test-app';

/**
 * The account's lifecycle, end to end through a real SMTP server (the
 * `smtp-server` package): each link is read out of the message that arrived,
 * as a user would follow it. docs/api.md "Account lifecycle (mail)".
 */
const APP_URL = 'https://app.example.com';
const MINUTE_MS = 60_000;

let sink: SmtpSink;
beforeAll(async () => {
  sink = await SmtpSink.start();
});
afterAll(() => sink.stop());

async function lifecycleApp(options: TestAppOptions = {}): Promise<TestApp> {
  const t = await createTestApp({ ...options, mailSink: sink, mail: { appUrl: APP_URL, ...options.mail } });
  await resetDatabase(t.db);
  return t;
}

const confirmVerification = (t: TestApp, token: string) => t.http.post('/auth/email-verification/confirm').send({ token });
const confirmReset = (t: TestApp, token: string, password: string) => t.http.post('/auth/password-reset/confirm').send({ token, password });
const confirmEmailChange = (t: TestApp, token: string) => t.http.post('/users/me/email/confirm').send({ token });
const requestReset = (t: TestApp, email: string) => t.http.post('/auth/password-reset').send({ email });

/** The header section of a raw message, unfolded: one entry per header. */
const headersOf = (mail: ReceivedMail) =>
  mail.raw
    .slice(0, mail.raw.indexOf('\r\n\r\n'))
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n');

describe('Registration and the verification of the address', () => {
  const t = useApp(() => lifecycleApp());

  it('item 39: mails a verification link: multipart text and HTML, from MAIL_FROM, the address in no header but To, the token in the fragment', async () => {
    await t.http.post('/auth/register').send({ email: 'vera@example.com', password: PASSWORD }).expect(201);

    const mail = await sink.waitFor('vera@example.com');

    expect(mail.from).toBe('no-reply@localhost');
    expect(mail.subject).toBe('Confirm your email address');
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail.text).toMatch(new RegExp(`${APP_URL}/verify-email#token=lnk_[A-Za-z0-9_-]{43}\\b`));
    expect(mail.html).toContain(`${APP_URL}/verify-email#token=${linkTokenOf(mail)}`);
    expect(headersOf(mail).filter((header) => header.includes('vera@example.com'))).toEqual(['To: vera@example.com']);
  });

  it('item 39: escapes the address in the HTML part, and keeps it as typed in the text part', async () => {
    await t.http.post('/auth/register').send({ email: "o'brien&co@example.com", password: PASSWORD }).expect(201);

    const mail = await sink.waitFor("o'brien&co@example.com");

    expect(mail.raw).toContain("To: o'brien&co@example.com");
    expect(mail.text).toContain("Confirm that o'brien&co@example.com is your address");
    expect(mail.html).toContain('Confirm that o&#39;brien&amp;co@example.com is your address');
  });

  it('confirms the address with the token: the user is verified, and the link is used up', async () => {
    const { token: access } = await registerAndLogin(t.http, 'ver@example.com');
    const link = linkTokenOf(await sink.waitFor('ver@example.com'));
    await t.http.get('/users/me').set(bearer(access)).expect(200);

    const confirmed = await confirmVerification(t, link).expect(200);

    expect(confirmed.body).toMatchObject({ email: 'ver@example.com', emailVerified: true, pendingEmail: null });
    const me = await t.http.get('/users/me').set(bearer(access)).expect(200);
    expect(me.body).toMatchObject({ emailVerified: true });
    const again = await confirmVerification(t, link).expect(400);
    expect(again.body).toEqual({ statusCode: 400, code: 'INVALID_LINK', message: expect.any(String) });
  });

  it('refuses a verification link once EMAIL_VERIFICATION_TTL (24 h) has passed', async () => {
    await t.http.post('/auth/register').send({ email: 'late@example.com', password: PASSWORD }).expect(201);
    const link = linkTokenOf(await sink.waitFor('late@example.com'));

    t.clock.advance(24 * 60 * MINUTE_MS + 1000);

    await confirmVerification(t, link).expect(400, {
      statusCode: 400,
      code: 'INVALID_LINK',
      message: 'This link is invalid, expired or already used',
    });
  });

  it('mails another link on request, at most three an hour counting the registration’s, and none once verified', async () => {
    const { token: access } = await registerAndLogin(t.http, 'again@example.com');
    await t.http.post('/auth/email-verification').set(bearer(access)).expect(202);
    await t.http.post('/auth/email-verification').set(bearer(access)).expect(202);
    const third = await sink.waitFor('again@example.com', 3);

    const refused = await t.http.post('/auth/email-verification').set(bearer(access)).expect(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Object.keys(refused.headers).filter((name) => /ratelimit/i.test(name))).toEqual([]);

    await confirmVerification(t, linkTokenOf(third)).expect(200);
    t.clock.advance(61 * MINUTE_MS);
    const verified = await t.http.post('/auth/email-verification').set(bearer(access)).expect(409);
    expect(verified.body).toMatchObject({ code: 'EMAIL_ALREADY_VERIFIED' });
  });

  it('item 33: binds a link to its purpose: a verification link is no reset or email-change link', async () => {
    await t.http.post('/auth/register').send({ email: 'purpose@example.com', password: PASSWORD }).expect(201);
    const link = linkTokenOf(await sink.waitFor('purpose@example.com'));

    await confirmReset(t, link, 'a brand new passphrase')
      .expect(400)
      .expect((response: Response) => expect(response.body).toMatchObject({ code: 'INVALID_LINK' }));
    await confirmEmailChange(t, link)
      .expect(400)
      .expect((response: Response) => expect(response.body).toMatchObject({ code: 'INVALID_LINK' }));
    await confirmVerification(t, link).expect(200);
  });
});

describe('Password reset', () => {
  const t = useApp(() => lifecycleApp());

  it('item 32: answers a registered, an unknown and a deactivated address alike, and mails only the active account', async () => {
    await t.http.post('/auth/register').send({ email: 'off@example.com', password: PASSWORD }).expect(201);
    await t.db.query("UPDATE users SET is_active = 0 WHERE email = 'off@example.com'");
    await t.http.post('/auth/register').send({ email: 'on@example.com', password: PASSWORD }).expect(201);
    await sink.waitFor('on@example.com');

    const answers = [
      await requestReset(t, 'nobody@example.com'),
      await requestReset(t, 'off@example.com'),
      await requestReset(t, 'on@example.com'),
    ];

    const shape = (response: Response) => ({
      status: response.status,
      body: response.body as unknown,
      text: response.text,
      headers: Object.entries(response.headers)
        .filter(([name]) => !['date', 'x-request-id'].includes(name))
        .sort(),
    });
    expect(shape(answers[0])).toEqual(shape(answers[2]));
    expect(shape(answers[1])).toEqual(shape(answers[2]));
    expect(answers[2].status).toBe(202);
    const reset = await sink.waitFor('on@example.com', 2);
    expect(reset.subject).toBe('Reset your password');
    expect(reset.text).toContain(`${APP_URL}/reset-password#token=lnk_`);
    // Requested before the active account's, their turn came first: nothing was queued for them.
    const queued: Array<{ recipient: string }> = await t.db.query('SELECT recipient FROM mail_outbox');
    expect(queued.map(({ recipient }) => recipient).sort()).toEqual(['off@example.com', 'on@example.com', 'on@example.com']);
    expect(sink.to('nobody@example.com')).toEqual([]);
    expect(sink.to('off@example.com')).toHaveLength(1);
  });

  it('item 34: sets the password: every session ends, every other reset link dies, the address counts as verified, and a notice follows', async () => {
    const { token: bearerToken } = await registerAndLogin(t.http, 'reset@example.com');
    const cookie = await cookieLogin(t.http, 'reset@example.com');
    await requestReset(t, 'reset@example.com').expect(202);
    await requestReset(t, 'reset@example.com').expect(202);
    const first = linkTokenOf(await sink.waitFor('reset@example.com', 2));
    const second = linkTokenOf(await sink.waitFor('reset@example.com', 3));

    await confirmReset(t, first, 'a brand new passphrase').expect(204);

    await t.http.get('/users/me').set(bearer(bearerToken)).expect(401);
    await t.http.get('/users/me').set('Cookie', cookie.cookie).expect(401);
    await t.http.post('/auth/token').send({ email: 'reset@example.com', password: PASSWORD }).expect(401);
    const fresh = await login(t.http, 'reset@example.com', 'a brand new passphrase');
    const me = await t.http.get('/users/me').set(bearer(fresh)).expect(200);
    expect(me.body).toMatchObject({ emailVerified: true });
    await confirmReset(t, second, 'yet another passphrase').expect(400);
    await confirmReset(t, first, 'yet another passphrase').expect(400);
    const notice = await sink.waitFor('reset@example.com', 4);
    expect(notice.subject).toBe('Your password was reset');
    expect(notice.text).not.toContain('lnk_');
  });

  it('keeps the link usable when the rules refuse the password', async () => {
    await t.http.post('/auth/register').send({ email: 'rules@example.com', password: PASSWORD }).expect(201);
    await requestReset(t, 'rules@example.com').expect(202);
    const link = linkTokenOf(await sink.waitFor('rules@example.com', 2));

    const short = await confirmReset(t, link, 'short').expect(400);
    expect(short.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'password', message: expect.any(String) }] });
    await confirmReset(t, link, 'password1234').expect(400);
    await confirmReset(t, link, 'my name is rules, you know').expect(400);
    await confirmReset(t, link, 'a perfectly good passphrase').expect(204);
  });

  it('item 33: honours PASSWORD_RESET_TTL (30 min): a link works at 29 minutes and not at 31', async () => {
    await t.http.post('/auth/register').send({ email: 'clock@example.com', password: PASSWORD }).expect(201);
    await requestReset(t, 'clock@example.com').expect(202);
    const early = linkTokenOf(await sink.waitFor('clock@example.com', 2));
    t.clock.advance(29 * MINUTE_MS);
    await confirmReset(t, early, 'twenty nine minutes later').expect(204);

    await requestReset(t, 'clock@example.com').expect(202);
    const late = linkTokenOf(await sink.waitFor('clock@example.com', 4));
    t.clock.advance(31 * MINUTE_MS);
    await confirmReset(t, late, 'thirty one minutes later').expect(400);
  });

  it('cancels a pending email change, and kills its link', async () => {
    const { token: access } = await registerAndLogin(t.http, 'moving@example.com');
    await t.http.patch('/users/me').set(bearer(access)).send({ email: 'moved@example.com', currentPassword: PASSWORD }).expect(200);
    const change = linkTokenOf(await sink.waitFor('moved@example.com'));
    await requestReset(t, 'moving@example.com').expect(202);
    const reset = await sink.waitFor('moving@example.com', 3);

    await confirmReset(t, linkTokenOf(reset), 'a fresh new passphrase').expect(204);

    await confirmEmailChange(t, change).expect(400);
    const me = await t.http
      .get('/users/me')
      .set(bearer(await login(t.http, 'moving@example.com', 'a fresh new passphrase')))
      .expect(200);
    expect(me.body).toMatchObject({ email: 'moving@example.com', pendingEmail: null });
  });
});

describe('Password reset requests are throttled', () => {
  const t = useApp(() => lifecycleApp({ throttling: { loginFailuresPerAccount: 3 } }));

  it('per address, like failed logins: the fourth within the window gets 429 with Retry-After and no counting header', async () => {
    for (let i = 0; i < 3; i++) await requestReset(t, 'many@example.com').expect(202);

    const refused = await requestReset(t, 'many@example.com').expect(429);

    expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Object.keys(refused.headers).filter((name) => /ratelimit/i.test(name))).toEqual([]);
    await requestReset(t, 'other@example.com').expect(202);
  });
});

describe('Email change', () => {
  const t = useApp(() => lifecycleApp());

  it('item 35: changes nothing until the link mailed to the new address is used; the current address gets a notice without a link', async () => {
    const { token: access } = await registerAndLogin(t.http, 'first@example.com');
    const pending = await t.http
      .patch('/users/me')
      .set(bearer(access))
      .send({ email: 'second@example.com', currentPassword: PASSWORD })
      .expect(200);
    expect(pending.body).toMatchObject({ email: 'first@example.com', pendingEmail: 'second@example.com' });

    const confirmation = await sink.waitFor('second@example.com');
    const notice = await sink.waitFor('first@example.com', 2);
    expect(confirmation.text).toContain(`${APP_URL}/confirm-email#token=lnk_`);
    expect(notice.text).toContain('second@example.com');
    expect(notice.text).not.toContain('lnk_');
    await t.http.post('/auth/token').send({ email: 'second@example.com', password: PASSWORD }).expect(401);

    const changed = await confirmEmailChange(t, linkTokenOf(confirmation)).expect(200);

    expect(changed.body).toMatchObject({ email: 'second@example.com', emailVerified: true, pendingEmail: null });
    await t.http
      .get('/users/me')
      .set(bearer(access))
      .expect(200)
      .expect((me: Response) => expect(me.body).toMatchObject({ email: 'second@example.com' }));
    await login(t.http, 'second@example.com');
    await t.http.post('/auth/token').send({ email: 'first@example.com', password: PASSWORD }).expect(401);
    await confirmEmailChange(t, linkTokenOf(confirmation)).expect(400);
  });

  it('lets a newer request replace the pending one, whose link dies', async () => {
    const { token: access } = await registerAndLogin(t.http, 'pick@example.com');
    await t.http.patch('/users/me').set(bearer(access)).send({ email: 'pick.one@example.com', currentPassword: PASSWORD }).expect(200);
    await t.http.patch('/users/me').set(bearer(access)).send({ email: 'pick.two@example.com', currentPassword: PASSWORD }).expect(200);

    await confirmEmailChange(t, linkTokenOf(await sink.waitFor('pick.one@example.com'))).expect(400);
    await confirmEmailChange(t, linkTokenOf(await sink.waitFor('pick.two@example.com'))).expect(200);
  });

  it('item 35: is cancelled by a password change, which kills its link', async () => {
    const { token: access } = await registerAndLogin(t.http, 'stay@example.com');
    await t.http.patch('/users/me').set(bearer(access)).send({ email: 'go@example.com', currentPassword: PASSWORD }).expect(200);
    const link = linkTokenOf(await sink.waitFor('go@example.com'));

    const changed = await t.http
      .patch('/users/me')
      .set(bearer(access))
      .send({ password: 'a different passphrase', currentPassword: PASSWORD })
      .expect(200);

    expect(changed.body).toMatchObject({ email: 'stay@example.com', pendingEmail: null });
    await confirmEmailChange(t, link).expect(400);
    const notice = await sink.waitFor('stay@example.com', 3);
    expect(notice.subject).toBe('Your password was changed');
  });

  it('item 35: answers 409 at confirmation for an address taken since, and keeps the link usable', async () => {
    const { token: access } = await registerAndLogin(t.http, 'slow@example.com');
    await t.http.patch('/users/me').set(bearer(access)).send({ email: 'contested@example.com', currentPassword: PASSWORD }).expect(200);
    const link = linkTokenOf(await sink.waitFor('contested@example.com'));
    const { token: rival } = await registerAndLogin(t.http, 'contested@example.com');

    const taken = await confirmEmailChange(t, link).expect(409);

    expect(taken.body).toMatchObject({ code: 'EMAIL_TAKEN' });
    await t.http.delete('/users/me').set(bearer(rival)).send({ currentPassword: PASSWORD }).expect(204);
    await confirmEmailChange(t, link).expect(200);
  });
});

describe('Account deletion', () => {
  const t = useApp(() => lifecycleApp());

  it('item 36: needs the current password, then deletes the user and everything of theirs, and mails a notice', async () => {
    const { userId, token: access } = await registerAndLogin(t.http, 'leaving@example.com');
    await login(t.http, 'leaving@example.com');
    await requestReset(t, 'leaving@example.com').expect(202);
    await sink.waitFor('leaving@example.com', 2);

    const wrong = await t.http.delete('/users/me').set(bearer(access)).send({ currentPassword: 'not the password' }).expect(403);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CURRENT_PASSWORD' });
    await t.http.delete('/users/me').set(bearer(access)).send({ currentPassword: PASSWORD }).expect(204);

    for (const table of ['users WHERE id', 'access_tokens WHERE user_id', 'link_tokens WHERE user_id']) {
      const [{ n }] = await t.db.query<Array<{ n: string }>>(`SELECT COUNT(*) AS n FROM ${table} = ?`, [userId]);
      expect({ table, rows: Number(n) }).toEqual({ table, rows: 0 });
    }
    await t.http.get('/users/me').set(bearer(access)).expect(401);
    await t.http.post('/auth/token').send({ email: 'leaving@example.com', password: PASSWORD }).expect(401);
    const notice = await sink.waitFor('leaving@example.com', 3);
    expect(notice.subject).toBe('Your account was deleted');
  });
});

describe('Item 38: the new checks of a secret are throttled', () => {
  const WINDOW_SECONDS = 900;
  let t: TestApp;
  beforeEach(async () => {
    t = await lifecycleApp({
      throttling: { loginFailuresPerAccount: 3, loginFailuresPerClient: 3, loginFailureWindowSeconds: WINDOW_SECONDS },
    });
  });
  afterEach(() => t.close());

  it('counts a wrong current password at DELETE /users/me as a failed login of that account: the fourth try gets 429 even when right', async () => {
    const { token: access } = await registerAndLogin(t.http, 'deleter@example.com');
    for (let i = 0; i < 3; i++)
      await t.http.delete('/users/me').set(bearer(access)).send({ currentPassword: 'not the password' }).expect(403);

    const refused = await t.http.delete('/users/me').set(bearer(access)).send({ currentPassword: PASSWORD }).expect(429);

    expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await t.http.get('/users/me').set(bearer(access)).expect(200);
  });

  it('refuses a client that presented three bad links, on every link route, even a good link, until the window passes', async () => {
    await t.http.post('/auth/register').send({ email: 'linker@example.com', password: PASSWORD }).expect(201);
    const link = linkTokenOf(await sink.waitFor('linker@example.com'));
    const unknown = `lnk_${'B'.repeat(43)}`;
    await confirmVerification(t, unknown).expect(400);
    await confirmReset(t, unknown, 'a fresh and valid phrase').expect(400);
    await confirmEmailChange(t, unknown).expect(400);

    for (const refused of [
      await confirmVerification(t, link).expect(429),
      await confirmReset(t, link, 'a fresh and valid phrase').expect(429),
      await confirmEmailChange(t, link).expect(429),
    ]) {
      expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_SECONDS);
    }

    t.clock.advance(WINDOW_SECONDS * 1000 + 1000);
    await confirmVerification(t, link).expect(200);
  });
});

describe('EMAIL_VERIFICATION=required', () => {
  const t = useApp(() => lifecycleApp({ account: { emailVerification: 'required' } }));

  it('refuses an unverified account’s right password with 403 EMAIL_NOT_VERIFIED on both login routes; a wrong one still gets 401', async () => {
    await t.http.post('/auth/register').send({ email: 'unproven@example.com', password: PASSWORD }).expect(201);

    const bearerLogin = await t.http.post('/auth/token').send({ email: 'unproven@example.com', password: PASSWORD }).expect(403);
    expect(bearerLogin.body).toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
    const cookie = await t.http.post('/auth/cookie/login').send({ email: 'unproven@example.com', password: PASSWORD }).expect(403);
    expect(cookie.headers['set-cookie']).toBeUndefined();
    await t.http.post('/auth/token').send({ email: 'unproven@example.com', password: 'a wrong passphrase' }).expect(401);

    await confirmVerification(t, linkTokenOf(await sink.waitFor('unproven@example.com'))).expect(200);
    await login(t.http, 'unproven@example.com');
  });

  it('lets a password reset prove the address', async () => {
    await t.http.post('/auth/register').send({ email: 'forgot@example.com', password: PASSWORD }).expect(201);
    await requestReset(t, 'forgot@example.com').expect(202);

    await confirmReset(t, linkTokenOf(await sink.waitFor('forgot@example.com', 2)), 'remembered at last').expect(204);

    await login(t.http, 'forgot@example.com', 'remembered at last');
  });
});

describe('The outbox', () => {
  const t = useApp(() => lifecycleApp({ mail: { retryBaseMs: 100 } }));

  const outboxRows = () =>
    t.db.query<Array<{ recipient: string; status: string; attempts: number; textBody: string | null; htmlBody: string | null }>>(
      'SELECT recipient, status, attempts, text_body AS textBody, html_body AS htmlBody FROM mail_outbox ORDER BY id',
    );

  it('writes a message in the transaction of its change: a refused registration queues none', async () => {
    await t.http.post('/auth/register').send({ email: 'twice@example.com', password: PASSWORD }).expect(201);
    await t.http.post('/auth/register').send({ email: 'twice@example.com', password: PASSWORD }).expect(409);

    expect((await outboxRows()).filter(({ recipient }) => recipient === 'twice@example.com')).toHaveLength(1);
  });

  it('keeps no body once a message is sent', async () => {
    await t.http.post('/auth/register').send({ email: 'sent@example.com', password: PASSWORD }).expect(201);
    await sink.waitFor('sent@example.com');
    await t.app.get(OutboxSender).sendDue();

    const [row] = (await outboxRows()).filter(({ recipient }) => recipient === 'sent@example.com');
    expect(row).toMatchObject({ status: 'sent', textBody: null, htmlBody: null });
  });

  it('deletes the record of a sent message after a week, and keeps failed ones', async () => {
    await t.http.post('/auth/register').send({ email: 'old.news@example.com', password: PASSWORD }).expect(201);
    await sink.waitFor('old.news@example.com');
    await t.app.get(OutboxSender).sendDue();
    await t.db.query("UPDATE mail_outbox SET status = 'failed' WHERE recipient = 'sent@example.com'");

    t.clock.advance(SENT_MAIL_RETENTION_MS - MINUTE_MS);
    await t.app.get(DeadRowPruner).prune();
    expect((await outboxRows()).map(({ recipient }) => recipient)).toContain('old.news@example.com');
    t.clock.advance(2 * MINUTE_MS);
    await t.app.get(DeadRowPruner).prune();

    const left = await outboxRows();
    expect(left.map(({ recipient }) => recipient)).not.toContain('old.news@example.com');
    expect(left.filter(({ recipient }) => recipient === 'sent@example.com')).toMatchObject([{ status: 'failed' }]);
  });

  it('item 40: keeps a message the server refuses, tries again later, and sends it once when the server takes it', async () => {
    sink.refusing = true;
    try {
      await t.http.post('/auth/register').send({ email: 'patient@example.com', password: PASSWORD }).expect(201);
      // The background sender's round runs beside these ones: each claim is its own, with SKIP LOCKED.
      let row;
      do {
        await t.app.get(OutboxSender).sendDue();
        [row] = (await outboxRows()).filter(({ recipient }) => recipient === 'patient@example.com');
      } while (row.attempts === 0);
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    } finally {
      sink.refusing = false;
    }
    t.clock.advance(1000);
    const mail = await sink.waitFor('patient@example.com');

    expect(mail.subject).toBe('Confirm your email address');
    t.clock.advance(60 * MINUTE_MS);
    await t.app.get(OutboxSender).sendDue();
    expect(sink.to('patient@example.com')).toHaveLength(1);
  });
});

describe('A reset requested as the service shuts down', () => {
  it('is still written to the outbox, and mailed by the next instance', async () => {
    const first = await lifecycleApp();
    await first.http.post('/auth/register').send({ email: 'closing@example.com', password: PASSWORD }).expect(201);
    await sink.waitFor('closing@example.com');

    await requestReset(first, 'closing@example.com').expect(202);
    await first.close();
    const next = await createTestApp({ mailSink: sink, mail: { appUrl: APP_URL }, keepOutbox: true });
    try {
      const reset = await sink.waitFor('closing@example.com', 2);
      expect(reset.subject).toBe('Reset your password');
    } finally {
      await next.close();
    }
  });
});

describe('Link tokens at rest and in the logs (items 33 and 37)', () => {
  let t: TestApp;
  let logs: LogCapture;
  beforeAll(async () => {
    logs = new LogCapture();
    t = await lifecycleApp({ logs });
  });
  afterAll(() => t.close());

  it('item 33: carries 256 random bits, and stores only its SHA-256: no column holds the token in any encoding', async () => {
    await t.http.post('/auth/register').send({ email: 'stored@example.com', password: PASSWORD }).expect(201);
    const token = linkTokenOf(await sink.waitFor('stored@example.com'));

    expect(Buffer.from(token.slice('lnk_'.length), 'base64url')).toHaveLength(32);
    const rows: Array<{ tokenHash: Buffer; email: string; purpose: string }> = await t.db.query(
      'SELECT token_hash AS tokenHash, email, purpose FROM link_tokens',
    );
    expect(rows).toEqual([
      { tokenHash: createHash('sha256').update(token).digest(), email: 'stored@example.com', purpose: 'verify-email' },
    ]);
    const secret = token.slice('lnk_'.length);
    const dump = JSON.stringify(await t.db.query('SELECT * FROM link_tokens')) + JSON.stringify(await t.db.query('SELECT * FROM users'));
    for (const form of [token, secret, Buffer.from(secret, 'base64url').toString('hex')]) expect(dump).not.toContain(form);
  });

  it('item 37: writes no link token in any log line, through verification, reset and an email change', async () => {
    const { token: access } = await registerAndLogin(t.http, 'logged@example.com');
    const verification = linkTokenOf(await sink.waitFor('logged@example.com'));
    await confirmVerification(t, verification).expect(200);
    await requestReset(t, 'logged@example.com').expect(202);
    const reset = linkTokenOf(await sink.waitFor('logged@example.com', 2));
    await confirmReset(t, reset, 'a quite unrelated phrase').expect(204);
    const fresh = await login(t.http, 'logged@example.com', 'a quite unrelated phrase');
    await t.http
      .patch('/users/me')
      .set(bearer(fresh))
      .send({ email: 'logged.new@example.com', currentPassword: 'a quite unrelated phrase' })
      .expect(200);
    const change = linkTokenOf(await sink.waitFor('logged.new@example.com'));
    await confirmEmailChange(t, change).expect(200);
    await confirmEmailChange(t, change).expect(400);

    const text = logs.text();
    const events = logs.lines().map((line) => line.event);
    expect(events).toEqual(
      expect.arrayContaining(['email.verified', 'password.reset_requested', 'password.reset', 'email.change_requested', 'email.changed']),
    );
    for (const token of [verification, reset, change, access]) {
      for (const form of [token, token.slice(4, 24)]) expect(text).not.toContain(form);
    }
  });
});
