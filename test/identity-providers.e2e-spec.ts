import { useTestApp } from './support/test-app';

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
          issuer: 'https://accounts.google.com',
        },
        {
          id: 'github',
          kind: 'github',
          name: 'github',
          clientId: 'Iv1.abc',
          clientSecret: 'gh-secret',
          scopes: ['read:user', 'user:email'],
          authorizationUrl: 'https://github.com/login/oauth/authorize',
          tokenUrl: 'https://github.com/login/oauth/access_token',
          apiUrl: 'https://api.github.com',
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
