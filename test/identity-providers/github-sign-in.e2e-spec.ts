import { SESSION_COOKIE } from '../support/session-cookies';
import { useTestApp } from '../support/test-app';
import { GitHubFake, startGitHubFake } from '../support/providers/github-fake';
import { PUBLIC_URL, signInThroughProvider } from '../support/providers/provider-flows';

/**
 * docs/api.md: a provider of GitHub's shape (IDP_<ID>_KIND=github): no ID
 * token; the identity is the numeric id of GET /user, the address the
 * primary verified one of GET /user/emails, against a fake of its endpoints.
 */
describe('Sign-in through GitHub', () => {
  let github: GitHubFake;
  beforeAll(async () => {
    github = await startGitHubFake();
  });
  afterAll(() => github?.stop());

  const t = useTestApp(() => ({ http: { publicUrl: PUBLIC_URL }, identityProviders: { providers: [github.setting()] } }));

  const identityOf = async (email: string) =>
    (
      await t.db.query<Array<{ subject: string; email: string }>>(
        'SELECT i.subject, i.email FROM identities i JOIN users u ON u.id = i.user_id WHERE u.email = ?',
        [email],
      )
    )[0];

  it('signs in with the primary verified address, the numeric id as the identity', async () => {
    github.signInAs(583231, [
      { email: 'secondary@example.com', primary: false, verified: true },
      { email: 'octo.cat@example.com', primary: true, verified: true },
    ]);

    const end = await signInThroughProvider(t.http, {}, 'github');

    expect(end.cookies.has(SESSION_COOKIE)).toBe(true);
    expect(await identityOf('octo.cat@example.com')).toEqual({ subject: '583231', email: 'octo.cat@example.com' });
    const [{ verified }] = await t.db.query<Array<{ verified: number }>>(
      'SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE email = ?',
      ['octo.cat@example.com'],
    );
    expect(Number(verified)).toBe(1);
  });

  it.each([
    ['whose primary address is unverified', [{ email: 'unverified.primary@example.com', primary: true, verified: false }]],
    ['with no address at all', []],
  ])('refuses an account %s with PROVIDER_FAILED, creating nothing', async (_case, emails) => {
    github.signInAs(777001 + emails.length, emails);

    const end = await signInThroughProvider(t.http, {}, 'github');

    expect(end.fragment.get('error')).toBe('PROVIDER_FAILED');
    expect(end.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await t.db.query('SELECT id FROM users WHERE email = ?', ['unverified.primary@example.com'])).toEqual([]);
  });

  it('signs in an identity already linked even when GitHub no longer gives a verified address', async () => {
    github.signInAs(424242, [{ email: 'was.verified@example.com', primary: true, verified: true }]);
    await signInThroughProvider(t.http, {}, 'github');
    github.signInAs(424242, [{ email: 'was.verified@example.com', primary: true, verified: false }]);

    const end = await signInThroughProvider(t.http, {}, 'github');

    expect(end.cookies.has(SESSION_COOKIE)).toBe(true);
  });
});
