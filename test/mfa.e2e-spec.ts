import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { encryptionKeyId } from '../src/auth/mfa/mfa-secret.cipher';
import { LogCapture } from './support/log-capture';
import { CSRF_COOKIE, SESSION_COOKIE, setCookies } from './support/session-cookies';
import { linkTokenOf, SmtpSink } from './support/smtp-sink';
import { base32Decode, totp, totpOf } from './support/totp';
import {
  bearer,
  createTestApp,
  login,
  PASSWORD,
  registerVerified,
  resetDatabase,
  TestApp,
  TestAppOptions,
  turnMfaOn,
  useApp,
} from './support/test-app';

/**
 * Multi-factor authentication end to end on real MySQL and a real SMTP
 * server: docs/api.md "Multi-factor authentication", security items 41-45 and
 * 47. Every code is computed by the tests' own RFC 6238 (test/support/totp.ts).
 */
const ORIGIN = 'https://app.example.com';
const STEP_MS = 30_000;
const RECOVERY_CODE_SHAPE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

let sink: SmtpSink;
beforeAll(async () => {
  sink = await SmtpSink.start();
});
afterAll(() => sink.stop());

async function mfaApp(options: TestAppOptions = {}): Promise<TestApp> {
  const t = await createTestApp({ http: { corsOrigins: new Set([ORIGIN]) }, ...options, mailSink: sink });
  await resetDatabase(t.db);
  return t;
}

interface MfaUser {
  userId: number;
  email: string;
  /** A token issued before MFA was on, and kept by the enrolment (the one that turned it on). */
  token: string;
  secret: string;
  recoveryCodes: string[];
}

const enrol = (t: TestApp, token: string, currentPassword = PASSWORD) =>
  t.http.post('/auth/mfa/totp').set(bearer(token)).send({ currentPassword });
const confirmEnrolment = (t: TestApp, token: string, code?: string) =>
  t.http
    .post('/auth/mfa/totp/confirm')
    .set(bearer(token))
    .send(code === undefined ? {} : { code });
const passwordLogin = (t: TestApp, email: string, password = PASSWORD) => t.http.post('/auth/token').send({ email, password });
const verify = (t: TestApp, mfaToken: string, code?: string) => t.http.post('/auth/mfa/verify').send({ mfaToken, code });

/** The code of the next time step: each step's code is accepted once, so every use moves the clock on. */
function nextCode(t: TestApp, secret: string): string {
  t.clock.advance(STEP_MS);
  return totpOf(secret, t.clock.now());
}

async function userWithMfa(t: TestApp, email: string): Promise<MfaUser> {
  const { userId, token } = await registerVerified(t, email);
  t.clock.advance(STEP_MS);
  return { userId, email, token, ...(await turnMfaOn(t.http, token, t.clock.now())) };
}

/** The first step of a login with MFA on: its mfaToken. */
async function challenge(t: TestApp, email: string): Promise<string> {
  const response = await passwordLogin(t, email).expect(403);
  return (response.body as { mfaToken: string }).mfaToken;
}

async function count(t: TestApp, table: string, userId: number): Promise<number> {
  const [row] = await t.db.query<Array<{ n: string }>>(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE user_id = ?`, [userId]);
  return Number(row.n);
}

describe('The tests’ own RFC 6238', () => {
  it('gives the RFC’s own test vectors (Appendix B, SHA-1, 8 digits)', () => {
    const key = Buffer.from('12345678901234567890', 'ascii');
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) expect(totp(key, seconds, 8)).toBe(code);
  });

  it('decodes base32 as RFC 4648 does', () => {
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString('ascii')).toBe('12345678901234567890');
  });
});

describe('Enrolment', () => {
  const t = useApp(() => mfaApp());

  it('answers the secret (160 bits), the otpauth:// URL of the contract and a QR code, and changes nothing for logins yet', async () => {
    const { token } = await registerVerified(t, 'enrol@example.com');

    const response = await enrol(t, token).expect(200);

    const { secret, otpauthUrl, qrCodeSvg } = response.body as { secret: string; otpauthUrl: string; qrCodeSvg: string };
    expect(Object.keys(response.body as object).sort()).toEqual(['otpauthUrl', 'qrCodeSvg', 'secret']);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Nest Auth:enrol@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({ secret, issuer: 'Nest Auth', algorithm: 'SHA1', digits: '6', period: '30' });
    expect(qrCodeSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\s*$/);
    expect((await t.http.get('/users/me').set(bearer(token)).expect(200)).body).toMatchObject({ mfaEnabled: false });
    await passwordLogin(t, 'enrol@example.com').expect(200);
  });

  it('asks for the current password (403 INVALID_CURRENT_PASSWORD), and stores nothing without it', async () => {
    const { userId, token } = await registerVerified(t, 'enrol-wrong@example.com');

    const refused = await enrol(t, token, 'not the password').expect(403);

    expect(refused.body).toMatchObject({ code: 'INVALID_CURRENT_PASSWORD' });
    expect(await count(t, 'totp_factors', userId)).toBe(0);
  });

  it('answers 409 MFA_NOT_ENABLED to a confirmation with no enrolment started', async () => {
    const { token } = await registerVerified(t, 'no-enrol@example.com');
    expect((await confirmEnrolment(t, token, '123456').expect(409)).body).toMatchObject({ code: 'MFA_NOT_ENABLED' });
  });

  it('refuses a wrong or missing code with 403 INVALID_MFA_CODE, and MFA stays off', async () => {
    const { token } = await registerVerified(t, 'wrong-first@example.com');
    const { secret } = (await enrol(t, token).expect(200)).body as { secret: string };
    const wrong = totpOf(secret, new Date(t.clock.now().getTime() + 10 * STEP_MS));

    expect((await confirmEnrolment(t, token, wrong).expect(403)).body).toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect((await confirmEnrolment(t, token).expect(403)).body).toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect((await t.http.get('/users/me').set(bearer(token)).expect(200)).body).toMatchObject({ mfaEnabled: false });
  });

  it('item 47: turns MFA on with a code: ten recovery codes, the other tokens revoked, this one kept, a notice mailed', async () => {
    const { token } = await registerVerified(t, 'turn-on@example.com');
    const other = await login(t.http, 'turn-on@example.com');
    const { secret } = (await enrol(t, token).expect(200)).body as { secret: string };

    const confirmed = await confirmEnrolment(t, token, nextCode(t, secret)).expect(200);

    const { recoveryCodes } = confirmed.body as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(RECOVERY_CODE_SHAPE);
    expect((await t.http.get('/users/me').set(bearer(token)).expect(200)).body).toMatchObject({ mfaEnabled: true });
    expect((await t.http.get('/users/me').set(bearer(other)).expect(401)).body).toMatchObject({ code: 'INVALID_TOKEN' });
    // The first message is the registration's verification link.
    const notice = await sink.waitFor('turn-on@example.com', 2);
    expect(notice.subject).toBe('Two-factor authentication is on');
  });

  it('answers 409 MFA_ALREADY_ENABLED to a new enrolment or confirmation once MFA is on, and keeps the secret', async () => {
    const user = await userWithMfa(t, 'already@example.com');

    expect((await enrol(t, user.token).expect(409)).body).toMatchObject({ code: 'MFA_ALREADY_ENABLED' });
    expect((await confirmEnrolment(t, user.token, nextCode(t, user.secret)).expect(409)).body).toMatchObject({
      code: 'MFA_ALREADY_ENABLED',
    });
    await verify(t, await challenge(t, user.email), nextCode(t, user.secret)).expect(200);
  });

  it('replaces an unconfirmed secret with a new enrolment: only the new one confirms', async () => {
    const { token } = await registerVerified(t, 'replace@example.com');
    const first = ((await enrol(t, token).expect(200)).body as { secret: string }).secret;
    const second = ((await enrol(t, token).expect(200)).body as { secret: string }).secret;
    expect(second).not.toBe(first);

    await confirmEnrolment(t, token, nextCode(t, first)).expect(403);
    await confirmEnrolment(t, token, nextCode(t, second)).expect(200);
  });
});

describe('Secrets at rest and in logs (items 37 and 42)', () => {
  const logs = new LogCapture();
  const t = useApp(() => mfaApp({ logs }));

  it('keeps the secret in no column of any table, in base32, hex, base64 or raw bytes, and in no log line with the codes and mfaToken', async () => {
    const user = await userWithMfa(t, 'at-rest@example.com');
    const mfaToken = await challenge(t, user.email);
    const code = nextCode(t, user.secret);
    await verify(t, mfaToken, code).expect(200);
    const raw = base32Decode(user.secret);
    const encodings = [user.secret, raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')];

    const tables = t.db.entityMetadatas.map((entity) => entity.tableName);
    expect(tables).toEqual(expect.arrayContaining(['totp_factors', 'mfa_recovery_codes', 'mfa_challenges']));
    const leaks: string[] = [];
    for (const table of tables) {
      const rows = await t.db.query<Array<Record<string, unknown>>>(`SELECT * FROM \`${table}\``);
      for (const value of rows.flatMap((row) => Object.values(row))) {
        if (Buffer.isBuffer(value) && value.includes(raw)) leaks.push(`${table}: the raw bytes`);
        const text = Buffer.isBuffer(value) ? value.toString('latin1') : typeof value === 'string' ? value : '';
        for (const encoding of encodings) if (text.toUpperCase().includes(encoding.toUpperCase())) leaks.push(`${table}: ${encoding}`);
      }
    }
    expect(leaks).toEqual([]);
    const [stored] = await t.db.query<Array<{ secret_ciphertext: Buffer }>>(
      'SELECT secret_ciphertext FROM totp_factors WHERE user_id = ?',
      [user.userId],
    );
    // Nonce, 20 encrypted bytes, tag.
    expect(stored.secret_ciphertext).toHaveLength(12 + 20 + 16);
    const logText = logs.text().toUpperCase();
    for (const encoding of encodings) expect(logText).not.toContain(encoding.toUpperCase());
    for (const recoveryCode of user.recoveryCodes) expect(logText).not.toContain(recoveryCode);
    expect(logText).not.toContain(mfaToken.toUpperCase());
    expect(logs.text()).not.toMatch(new RegExp(`\\b${code}\\b`));
  });

  it('item 45: keeps only a SHA-256 digest of each recovery code', async () => {
    const user = await userWithMfa(t, 'digests@example.com');
    const rows = await t.db.query<Array<{ code_hash: Buffer }>>('SELECT code_hash FROM mfa_recovery_codes WHERE user_id = ?', [
      user.userId,
    ]);

    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.code_hash).toHaveLength(32);
    const stored = rows.map((row) => row.code_hash.toString('latin1')).join('');
    for (const code of user.recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replaceAll('-', ''));
    }
  });
});

describe('Logging in with MFA on (items 43 and 44)', () => {
  let t: TestApp;
  let user: MfaUser;
  let other: MfaUser;
  beforeAll(async () => {
    t = await mfaApp({ throttling: { loginFailuresPerAccount: 1000 } });
    user = await userWithMfa(t, 'two-step@example.com');
    other = await userWithMfa(t, 'other-step@example.com');
  });
  afterAll(() => t.close());

  it('item 43: answers the right password with 403 MFA_REQUIRED and an mfaToken on the bearer login, and issues no token', async () => {
    const [before] = await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM access_tokens');

    const response = await passwordLogin(t, user.email).expect(403);

    expect(response.body).toEqual({
      statusCode: 403,
      code: 'MFA_REQUIRED',
      message: expect.any(String) as string,
      mfaToken: expect.stringMatching(/^mfa_[A-Za-z0-9_-]{43}$/) as string,
      expiresIn: 300,
    });
    expect(response.headers['set-cookie']).toBeUndefined();
    const [after] = await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM access_tokens');
    expect(after.n).toBe(before.n);
  });

  it('item 43: answers the same on the cookie login, with no cookie set', async () => {
    const response = await t.http
      .post('/auth/cookie/login')
      .set('Origin', ORIGIN)
      .send({ email: user.email, password: PASSWORD })
      .expect(403);

    expect(response.body).toMatchObject({ code: 'MFA_REQUIRED', mfaToken: expect.stringMatching(/^mfa_/) as string });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('item 43: answers a wrong password with the ordinary 401 on both routes, with no mfaToken', async () => {
    const bearerRefusal = await passwordLogin(t, user.email, 'not the password').expect(401);
    const cookieRefusal = await t.http.post('/auth/cookie/login').send({ email: user.email, password: 'not the password' }).expect(401);

    const refused = { statusCode: 401, code: 'INVALID_CREDENTIALS', message: 'The email or password is incorrect' };
    // The token endpoint speaks RFC 6749 §5.2 too.
    expect(bearerRefusal.body).toEqual({ ...refused, error: 'invalid_grant', error_description: refused.message });
    expect(cookieRefusal.body).toEqual(refused);
  });

  it('finishes a bearer login with a TOTP code: the token response, a working token, no cookie', async () => {
    const response = await verify(t, await challenge(t, user.email), nextCode(t, user.secret)).expect(200);

    expect(response.body).toEqual({ access_token: expect.stringMatching(/^nat_/) as string, token_type: 'bearer', expires_in: 86400 });
    expect(response.headers['set-cookie']).toBeUndefined();
    const me = await t.http
      .get('/users/me')
      .set(bearer((response.body as { access_token: string }).access_token))
      .expect(200);
    expect(me.body).toMatchObject({ email: user.email, mfaEnabled: true });
  });

  it('finishes a cookie login with the cookies (204), refused first from a foreign origin without using the challenge up', async () => {
    const started = await t.http
      .post('/auth/cookie/login')
      .set('Origin', ORIGIN)
      .send({ email: user.email, password: PASSWORD })
      .expect(403);
    const { mfaToken } = started.body as { mfaToken: string };
    const code = nextCode(t, user.secret);

    const foreign = await t.http.post('/auth/mfa/verify').set('Origin', 'https://evil.example').send({ mfaToken, code }).expect(403);
    expect(foreign.body).toMatchObject({ code: 'CSRF_FAILED' });
    expect(foreign.headers['set-cookie']).toBeUndefined();

    const finished = await t.http.post('/auth/mfa/verify').set('Origin', ORIGIN).send({ mfaToken, code }).expect(204);
    expect(finished.text).toBe('');
    const cookies = setCookies(finished);
    expect([...cookies.keys()].sort()).toEqual([CSRF_COOKIE, SESSION_COOKIE].sort());
    expect(finished.headers['x-csrf-token']).toEqual(expect.any(String));
  });

  it('item 44: an mfaToken works once', async () => {
    const mfaToken = await challenge(t, user.email);
    await verify(t, mfaToken, nextCode(t, user.secret)).expect(200);

    const again = await verify(t, mfaToken, nextCode(t, user.secret)).expect(401);

    expect(again.body).toMatchObject({ code: 'MFA_CHALLENGE_EXPIRED' });
  });

  it('item 44: an mfaToken dies after 5 minutes', async () => {
    const mfaToken = await challenge(t, user.email);
    t.clock.advance(5 * 60_000);

    expect((await verify(t, mfaToken, totpOf(user.secret, t.clock.now())).expect(401)).body).toMatchObject({
      code: 'MFA_CHALLENGE_EXPIRED',
    });
  });

  it('item 44: an mfaToken dies after 5 wrong codes, each a 403 INVALID_MFA_CODE', async () => {
    const mfaToken = await challenge(t, user.email);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await verify(t, mfaToken, '000000').expect(403)).body).toMatchObject({ code: 'INVALID_MFA_CODE' });
    }

    expect((await verify(t, mfaToken, nextCode(t, user.secret)).expect(401)).body).toMatchObject({ code: 'MFA_CHALLENGE_EXPIRED' });
  });

  it('item 44: an mfaToken is bound to its user: another user’s right code fails', async () => {
    const mfaToken = await challenge(t, user.email);

    await verify(t, mfaToken, nextCode(t, other.secret)).expect(403);
    await verify(t, mfaToken, other.recoveryCodes[0]).expect(403);
    await verify(t, mfaToken, totpOf(user.secret, t.clock.now())).expect(200);
  });

  it('item 44: a login’s transport is fixed when it starts: a cookie login never yields a token in the body, a bearer one never a cookie', async () => {
    const cookieStarted = await t.http.post('/auth/cookie/login').send({ email: user.email, password: PASSWORD }).expect(403);
    const cookieFinished = await verify(t, (cookieStarted.body as { mfaToken: string }).mfaToken, nextCode(t, user.secret)).expect(204);
    expect(cookieFinished.body).toEqual({});
    expect(setCookies(cookieFinished).has(SESSION_COOKIE)).toBe(true);

    const bearerFinished = await verify(t, await challenge(t, user.email), nextCode(t, user.secret)).expect(200);
    expect(bearerFinished.headers['set-cookie']).toBeUndefined();
  });

  it('answers an unknown or malformed mfaToken with 401 MFA_CHALLENGE_EXPIRED', async () => {
    for (const mfaToken of ['', 'mfa_', `mfa_${'A'.repeat(43)}`, 'nat_x', 'x'.repeat(10_000)]) {
      expect((await verify(t, mfaToken, '123456').expect(401)).body).toMatchObject({ code: 'MFA_CHALLENGE_EXPIRED' });
    }
  });
});

describe('TOTP window and replay (item 41)', () => {
  const t = useApp(() => mfaApp({ throttling: { loginFailuresPerAccount: 1000 } }));

  it('accepts the codes of one step before and after now, and refuses those two steps away', async () => {
    const user = await userWithMfa(t, 'window@example.com');
    t.clock.advance(10 * STEP_MS);
    const now = t.clock.now().getTime();
    const codeAt = (steps: number) => totpOf(user.secret, new Date(now + steps * STEP_MS));

    await verify(t, await challenge(t, user.email), codeAt(-2)).expect(403);
    await verify(t, await challenge(t, user.email), codeAt(2)).expect(403);
    await verify(t, await challenge(t, user.email), codeAt(-1)).expect(200);
    await verify(t, await challenge(t, user.email), codeAt(0)).expect(200);
    await verify(t, await challenge(t, user.email), codeAt(1)).expect(200);
  });

  it('refuses a code once accepted for the rest of its window, and every code of an earlier step', async () => {
    const user = await userWithMfa(t, 'replay@example.com');
    const code = nextCode(t, user.secret);
    await verify(t, await challenge(t, user.email), code).expect(200);

    expect((await verify(t, await challenge(t, user.email), code).expect(403)).body).toMatchObject({ code: 'INVALID_MFA_CODE' });
    t.clock.advance(STEP_MS / 2);
    await verify(t, await challenge(t, user.email), code).expect(403);
  });

  it('lets exactly one of 20 parallel logins through with one code', async () => {
    const user = await userWithMfa(t, 'parallel@example.com');
    const mfaTokens: string[] = [];
    for (let index = 0; index < 20; index += 1) mfaTokens.push(await challenge(t, user.email));
    const code = nextCode(t, user.secret);

    const responses = await Promise.all(mfaTokens.map((mfaToken) => verify(t, mfaToken, code)));

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200).every((status) => status === 403)).toBe(true);
  });

  it('lets exactly one of 20 parallel verifications of one mfaToken through, even with 20 right codes', async () => {
    const user = await userWithMfa(t, 'one-token@example.com');
    const mfaToken = await challenge(t, user.email);
    const code = nextCode(t, user.secret);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => verify(t, mfaToken, index < 10 ? user.recoveryCodes[index] : code)),
    );

    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    expect(responses.filter((response) => response.status !== 200).map((response) => response.status)).toEqual(Array(19).fill(401));
    // The losers' recovery codes rolled back with their attempts: nine of them still work.
    expect(await count(t, 'mfa_recovery_codes', user.userId)).toBeGreaterThanOrEqual(9);
  });
});

describe('Throttling of codes (security item 38)', () => {
  const t = useApp(() => mfaApp({ throttling: { loginFailuresPerAccount: 3 } }));

  it('counts wrong codes as failed logins of the account, which the right password alone does not clear', async () => {
    const user = await userWithMfa(t, 'guesser@example.com');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await verify(t, await challenge(t, user.email), '000000').expect(403);
    }

    const refused = await passwordLogin(t, user.email).expect(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('bad-input row 33: each malformed code is refused with 403 INVALID_MFA_CODE and counted', async () => {
    const user = await userWithMfa(t, 'malformed@example.com');
    const mfaToken = await challenge(t, user.email);

    for (const code of ['12345', '1234567', 'abcdef']) {
      expect((await verify(t, mfaToken, code).expect(403)).body).toMatchObject({ code: 'INVALID_MFA_CODE' });
    }
    await verify(t, mfaToken, nextCode(t, user.secret)).expect(429);
  });
});

describe('Recovery codes (item 45)', () => {
  const logs = new LogCapture();
  const t = useApp(() => mfaApp({ logs }));

  it('finishes a login with a recovery code, once; its use is logged and a notice mailed', async () => {
    const user = await userWithMfa(t, 'recover@example.com');
    const [code] = user.recoveryCodes;

    await verify(t, await challenge(t, user.email), code).expect(200);
    expect((await verify(t, await challenge(t, user.email), code).expect(403)).body).toMatchObject({ code: 'INVALID_MFA_CODE' });

    // After the verification link and the notice that MFA is on.
    const notice = await sink.waitFor(user.email, 3);
    expect(notice.subject).toBe('A recovery code of your account was used');
    expect(notice.text).toContain('9 of them remain');
    expect(notice.text).not.toContain(code);
    expect(logs.lines().filter((line) => line.event === 'mfa.recovery_code_used' && line.userId === user.userId)).toHaveLength(1);
  });

  it('reads a recovery code as typed: lower case, no dashes, spaces, O for 0 and I or L for 1', async () => {
    const user = await userWithMfa(t, 'typed@example.com');
    const typed = user.recoveryCodes.map((code) => code.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l'));

    await verify(t, await challenge(t, user.email), typed[1]).expect(200);
    await verify(t, await challenge(t, user.email), user.recoveryCodes[1]).expect(403);
  });

  it('makes a new set with the password and a code; the old set dies', async () => {
    const user = await userWithMfa(t, 'renew@example.com');

    const renewed = await t.http
      .post('/auth/mfa/recovery-codes')
      .set(bearer(user.token))
      .send({ currentPassword: PASSWORD, code: nextCode(t, user.secret) })
      .expect(200);

    const { recoveryCodes } = renewed.body as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes.filter((code) => user.recoveryCodes.includes(code))).toEqual([]);
    await verify(t, await challenge(t, user.email), user.recoveryCodes[0]).expect(403);
    await verify(t, await challenge(t, user.email), recoveryCodes[0]).expect(200);
  });

  it('refuses a new set without the password (403), without a code (403 INVALID_MFA_CODE), and when MFA is off (409)', async () => {
    const user = await userWithMfa(t, 'renew-refused@example.com');
    const renew = (token: string, body: object) => t.http.post('/auth/mfa/recovery-codes').set(bearer(token)).send(body);

    expect((await renew(user.token, { currentPassword: 'wrong one', code: nextCode(t, user.secret) }).expect(403)).body).toMatchObject({
      code: 'INVALID_CURRENT_PASSWORD',
    });
    expect((await renew(user.token, { currentPassword: PASSWORD }).expect(403)).body).toMatchObject({ code: 'INVALID_MFA_CODE' });
    const { token } = await registerVerified(t, 'renew-off@example.com');
    expect((await renew(token, { currentPassword: PASSWORD, code: '123456' }).expect(409)).body).toMatchObject({ code: 'MFA_NOT_ENABLED' });
    await verify(t, await challenge(t, user.email), user.recoveryCodes[0]).expect(200);
  });

  it('uses up a recovery code given to a refused change only when the change lands', async () => {
    const user = await userWithMfa(t, 'rollback@example.com');

    await t.http
      .delete('/auth/mfa')
      .set(bearer(user.token))
      .send({ currentPassword: 'wrong one', code: user.recoveryCodes[2] })
      .expect(403);

    await verify(t, await challenge(t, user.email), user.recoveryCodes[2]).expect(200);
  });
});

describe('Turning MFA off (item 47), deleting the account, resetting the password', () => {
  const t = useApp(() => mfaApp());

  const disable = (token: string, body: object) => t.http.delete('/auth/mfa').set(bearer(token)).send(body);

  it('needs the password and a code; then the secret and the recovery codes are gone, logins need the password only, a notice is mailed', async () => {
    const user = await userWithMfa(t, 'turn-off@example.com');

    expect((await disable(user.token, { currentPassword: PASSWORD }).expect(403)).body).toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect((await disable(user.token, { currentPassword: 'wrong one', code: nextCode(t, user.secret) }).expect(403)).body).toMatchObject({
      code: 'INVALID_CURRENT_PASSWORD',
    });
    await disable(user.token, { currentPassword: PASSWORD, code: nextCode(t, user.secret) }).expect(204);

    expect(await count(t, 'totp_factors', user.userId)).toBe(0);
    expect(await count(t, 'mfa_recovery_codes', user.userId)).toBe(0);
    expect((await t.http.get('/users/me').set(bearer(user.token)).expect(200)).body).toMatchObject({ mfaEnabled: false });
    await passwordLogin(t, user.email).expect(200);
    expect((await sink.waitFor(user.email, 3)).subject).toBe('Two-factor authentication is off');
    expect((await disable(user.token, { currentPassword: PASSWORD, code: '123456' }).expect(409)).body).toMatchObject({
      code: 'MFA_NOT_ENABLED',
    });
  });

  it('asks for a code to delete the account when MFA is on; then the second factor goes with it', async () => {
    const user = await userWithMfa(t, 'delete-mfa@example.com');
    await challenge(t, user.email);

    const refused = await t.http.delete('/users/me').set(bearer(user.token)).send({ currentPassword: PASSWORD }).expect(403);
    expect(refused.body).toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect(await count(t, 'totp_factors', user.userId)).toBe(1);

    await t.http
      .delete('/users/me')
      .set(bearer(user.token))
      .send({ currentPassword: PASSWORD, code: nextCode(t, user.secret) })
      .expect(204);

    for (const table of ['users_by_id', 'totp_factors', 'mfa_recovery_codes', 'mfa_challenges', 'access_tokens']) {
      const query =
        table === 'users_by_id' ? 'SELECT COUNT(*) AS n FROM users WHERE id = ?' : `SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?`;
      const [row] = await t.db.query<Array<{ n: string }>>(query, [user.userId]);
      expect(Number(row.n)).toBe(0);
    }
  });

  it('leaves MFA on through a password reset', async () => {
    const user = await userWithMfa(t, 'reset-mfa@example.com');
    await sink.waitFor(user.email, 2);
    await t.http.post('/auth/password-reset').send({ email: user.email }).expect(202);
    const link = linkTokenOf(await sink.waitFor(user.email, 3));
    const newPassword = 'an entirely new passphrase';

    await t.http.post('/auth/password-reset/confirm').send({ token: link, password: newPassword }).expect(204);

    const response = await passwordLogin(t, user.email, newPassword).expect(403);
    expect(response.body).toMatchObject({ code: 'MFA_REQUIRED' });
    await verify(t, (response.body as { mfaToken: string }).mfaToken, nextCode(t, user.secret)).expect(200);
  });
});

describe('Encryption keys (item 42)', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  let user: MfaUser;
  // The suites after this one on the worker's database use the tests' shared key: leave no secret of another.
  afterAll(async () => {
    const t = await createTestApp();
    await resetDatabase(t.db);
    await t.close();
  });
  const storedKeyId = async (t: TestApp) =>
    (await t.db.query<Array<{ key_id: string }>>('SELECT key_id FROM totp_factors WHERE user_id = ?', [user.userId]))[0].key_id;

  it('encrypts under the current key, tagged with its id', async () => {
    const t = await mfaApp({ mfa: { encryptionKey: keyA, previousEncryptionKeys: [] } });
    try {
      user = await userWithMfa(t, 'rotate@example.com');
      expect(await storedKeyId(t)).toBe(encryptionKeyId(keyA));
    } finally {
      await t.close();
    }
  });

  it('reads a secret of a previous key, and stores it under the current key at its next use', async () => {
    const t = await createTestApp({ mailSink: sink, mfa: { encryptionKey: keyB, previousEncryptionKeys: [keyA] } });
    try {
      t.clock.advance(60 * STEP_MS);
      await verify(t, await challenge(t, user.email), totpOf(user.secret, t.clock.now())).expect(200);
      expect(await storedKeyId(t)).toBe(encryptionKeyId(keyB));
    } finally {
      await t.close();
    }
  });

  it('then needs the previous key no more', async () => {
    const t = await createTestApp({ mailSink: sink, mfa: { encryptionKey: keyB, previousEncryptionKeys: [] } });
    try {
      t.clock.advance(120 * STEP_MS);
      await verify(t, await challenge(t, user.email), totpOf(user.secret, t.clock.now())).expect(200);
    } finally {
      await t.close();
    }
  });

  it('with a key that reads nothing: says so at start-up, answers codes with 503 and an error logged, and keeps MFA on', async () => {
    const logs = new LogCapture();
    const t = await createTestApp({
      logs,
      mailSink: sink,
      mfa: { encryptionKey: randomBytes(32), previousEncryptionKeys: [] },
    });
    try {
      expect(logs.lines().find((line) => line.event === 'mfa.keys_missing')).toMatchObject({ secrets: 1, keyIds: [encryptionKeyId(keyB)] });

      t.clock.advance(180 * STEP_MS);
      const attempt: Response = await verify(t, await challenge(t, user.email), totpOf(user.secret, t.clock.now())).expect(503);

      expect(attempt.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(logs.lines().find((line) => line.event === 'mfa.secret_unreadable')).toMatchObject({ userId: user.userId });
      expect((await passwordLogin(t, user.email).expect(403)).body).toMatchObject({ code: 'MFA_REQUIRED' });
      await verify(t, await challenge(t, user.email), user.recoveryCodes[0]).expect(200);
    } finally {
      await t.close();
    }
  });

  it('in production, refuses to start with a key that reads nothing', async () => {
    const started = createTestApp({
      mfa: { encryptionKey: randomBytes(32), previousEncryptionKeys: [], unreadableSecretsStopStartup: true },
    });

    await expect(started).rejects.toThrow(
      /TOTP secret\(s\) are encrypted with key\(s\) [0-9a-f]{16}, which neither MFA_ENCRYPTION_KEY nor/,
    );
  });
});
