import { startServiceProcess } from '../support/service-process';

const PROCESS_TEST_TIMEOUT_MS = 60_000;

/** The real entry point, in production mode: a bad environment stops it before it listens, with a message naming the variable. */
describe('Start-up with a bad environment', () => {
  it.each([
    ['a value of the wrong type', { BCRYPT_COST: 'twelve' }, /BCRYPT_COST/],
    ['a secret left unset in production', { CSRF_SECRET: '' }, /CSRF_SECRET is not set/],
    ['no key for the TOTP secrets in production', { MFA_ENCRYPTION_KEY: '' }, /MFA_ENCRYPTION_KEY is not set/],
    ['a malformed database URL', { DATABASE_URL: 'postgres://somewhere/else' }, /DATABASE_URL must be a mysql:\/\//],
    ['a mail URL of another protocol', { MAIL_URL: 'https://mail.example.com' }, /MAIL_URL must be an smtp:\/\/ or smtps:\/\//],
    ['a sender with a display name', { MAIL_FROM: 'Support <help@example.com>' }, /MAIL_FROM must be a bare address/],
    ['an unknown verification mode', { EMAIL_VERIFICATION: 'sometimes' }, /EMAIL_VERIFICATION/],
  ])(
    'refuses %s and exits',
    async (_case, env, message) => {
      const failure = startServiceProcess(env);
      await expect(failure).rejects.toThrow(/did not start \(exited\)/);
      await expect(failure).rejects.toThrow(message);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
