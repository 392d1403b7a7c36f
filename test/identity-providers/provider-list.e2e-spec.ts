import { useTestApp } from '../support/test-app';

/** docs/api.md "Sign-in with external identity providers": the providers of IDENTITY_PROVIDERS, as a sign-in page lists them. */
describe('GET /auth/providers', () => {
  const t = useTestApp({
    identityProviders: {
      providers: [
        {
          id: 'google',
          kind: 'oidc',
          name: 'Google',
          clientId: 'client-id',
          clientSecret: 'client-secret',
          scopes: ['openid', 'email', 'profile'],
          // Unreachable: the list needs no discovery.
          issuer: 'http://127.0.0.1:9',
        },
        {
          id: 'github',
          kind: 'github',
          name: 'github',
          clientId: 'Iv1.abc',
          clientSecret: 'gh-secret',
          scopes: ['read:user', 'user:email'],
          authorizationUrl: 'http://127.0.0.1:9/login/oauth/authorize',
          tokenUrl: 'http://127.0.0.1:9/login/oauth/access_token',
          apiUrl: 'http://127.0.0.1:9',
        },
      ],
    },
  });

  it('lists each provider by id and name, in the configured order, and nothing of its client', async () => {
    const response = await t.http.get('/auth/providers').expect(200);

    expect(response.body).toEqual([
      { id: 'google', name: 'Google' },
      { id: 'github', name: 'github' },
    ]);
    expect(JSON.stringify(response.body)).not.toMatch(/client|secret|https?:/);
  });

  describe('with none configured (the default)', () => {
    const bare = useTestApp();

    it('lists none', async () => {
      await bare.http.get('/auth/providers').expect(200, []);
    });
  });
});
