import { OAuth2Client, OAuth2HttpError, type OAuth2Token } from '@badgateway/oauth2-client';
import * as oidc from 'openid-client';
import { ResourceOwnerPassword, type AccessToken } from 'simple-oauth2';
import { freePort } from '../../bench/support/processes';
import { SmtpSink } from '../support/smtp-sink';
import { bearer, createTestApp, grantedScopes, PASSWORD, registerVerified, resetDatabase, useApp } from '../support/test-app';

const EMAIL = 'ada@example.com';
const ACCESS_TOKEN = /^nat_[A-Za-z0-9_-]{49}$/;
const REFRESH_TOKEN = /^nrt_[A-Za-z0-9_-]{49}$/;
// Not the default: a library that echoed a default of its own would not pass.
const ACCESS_TOKEN_TTL_SECONDS = 900;
const REUSE_GRACE_SECONDS = 10;
const RESOURCE_SERVER = 'orders';
const RESOURCE_SERVER_SECRET = 'x'.repeat(40);
const PUBLIC_CLIENT = 'any-client';

/** What `promise` rejected with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got an answer');
}

/**
 * docs/api.md "OAuth 2.0 for clients and other services", as three OAuth
 * client libraries see it: each discovers, logs in, refreshes, revokes and
 * introspects against the application listening on a real port, and the
 * assertions are on what the library made of the answers.
 */
describe('OAuth 2.0 client libraries against the real endpoints', () => {
  let origin = '';
  const t = useApp(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    // A mail server of the suite's own: the worker's .eml folder is shared with every Jest run on the machine.
    const sink = await SmtpSink.start();
    const app = await createTestApp({
      mailSink: sink,
      http: { publicUrl: origin },
      auth: { accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS },
      oauth: {
        introspectionClients: new Map([[RESOURCE_SERVER, RESOURCE_SERVER_SECRET]]),
        refreshReuseGraceSeconds: REUSE_GRACE_SECONDS,
      },
    }).catch(async (error: unknown) => {
      await sink.stop();
      throw error;
    });
    const close = async () => {
      await app.close();
      await sink.stop();
    };
    await app.app.listen(port, '127.0.0.1').catch(async (error: unknown) => {
      await close();
      throw error;
    });
    return { ...app, close };
  });
  let userId: number;

  beforeEach(async () => {
    await resetDatabase(t.db);
    ({ userId } = await registerVerified(t, EMAIL));
  });

  const me = (token: string) => t.http.get('/users/me').set(bearer(token));
  const liveIntrospection = () => ({
    active: true,
    token_type: 'Bearer',
    scope: grantedScopes(t),
    sub: String(userId),
    username: EMAIL,
    exp: expect.any(Number),
    iat: expect.any(Number),
    role: 'user',
  });
  const pastReuseGrace = () => t.clock.advance((REUSE_GRACE_SECONDS + 1) * 1000);

  describe('openid-client (oauth4webapi underneath)', () => {
    let publicClient: oidc.Configuration;
    let resourceServer: oidc.Configuration;

    // openid-client checks that the metadata's issuer is the URL it discovered from: PUBLIC_URL must be this origin.
    const discover = (clientId: string, authentication: oidc.ClientAuth) =>
      oidc.discovery(new URL(origin), clientId, undefined, authentication, {
        algorithm: 'oauth2',
        execute: [oidc.allowInsecureRequests],
      });

    beforeAll(async () => {
      publicClient = await discover(PUBLIC_CLIENT, oidc.None());
      resourceServer = await discover(RESOURCE_SERVER, oidc.ClientSecretBasic(RESOURCE_SERVER_SECRET));
    });

    const passwordGrant = () =>
      oidc.genericGrantRequest(publicClient, 'password', { username: EMAIL, password: PASSWORD, scope: 'offline_access' });
    const refreshTokenOf = (tokens: oidc.TokenEndpointResponse): string => {
      if (tokens.refresh_token === undefined) throw new Error('the token response has no refresh_token');
      return tokens.refresh_token;
    };

    it('discovers the endpoints from the RFC 8414 metadata', () => {
      expect(publicClient.serverMetadata()).toMatchObject({
        issuer: origin,
        token_endpoint: `${origin}/auth/token`,
        revocation_endpoint: `${origin}/auth/revoke`,
        introspection_endpoint: `${origin}/auth/introspect`,
        grant_types_supported: ['password', 'refresh_token'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    });

    it('gets a pair with the password grant and offline_access, and rotates it with refreshTokenGrant', async () => {
      const first = await passwordGrant();
      const second = await oidc.refreshTokenGrant(publicClient, refreshTokenOf(first));

      expect(first).toMatchObject({
        access_token: expect.stringMatching(ACCESS_TOKEN),
        token_type: 'bearer',
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        refresh_token: expect.stringMatching(REFRESH_TOKEN),
      });
      expect(second).toMatchObject({
        access_token: expect.stringMatching(ACCESS_TOKEN),
        token_type: 'bearer',
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        refresh_token: expect.stringMatching(REFRESH_TOKEN),
      });
      expect(second.refresh_token).not.toBe(first.refresh_token);
      await me(first.access_token).expect(401);
      await me(second.access_token).expect(200);
    });

    it('rejects a used refresh token with a ResponseBodyError of invalid_grant; within the grace, the session lives on', async () => {
      const first = await passwordGrant();
      const second = await oidc.refreshTokenGrant(publicClient, refreshTokenOf(first));

      const error = await rejection(oidc.refreshTokenGrant(publicClient, refreshTokenOf(first)));

      expect(error).toBeInstanceOf(oidc.ResponseBodyError);
      expect(error).toMatchObject({ status: 400, error: 'invalid_grant', error_description: expect.any(String) });
      await me(second.access_token).expect(200);
    });

    it('introspects as the resource server with client_secret_basic: the access token is live, the refresh token is not', async () => {
      const tokens = await passwordGrant();

      const access = await oidc.tokenIntrospection(resourceServer, tokens.access_token);
      const refresh = await oidc.tokenIntrospection(resourceServer, refreshTokenOf(tokens));

      expect(access).toEqual(liveIntrospection());
      expect(access.exp).toBeGreaterThan(access.iat ?? Infinity);
      expect(refresh).toEqual({ active: false });
    });

    it('revokes with tokenRevocation (a 200): the access token, its refresh token and the introspection all end', async () => {
      const tokens = await passwordGrant();

      await expect(oidc.tokenRevocation(publicClient, tokens.access_token, { token_type_hint: 'access_token' })).resolves.toBeUndefined();

      await me(tokens.access_token).expect(401);
      expect(await oidc.tokenIntrospection(resourceServer, tokens.access_token)).toEqual({ active: false });
      const refused = await rejection(oidc.refreshTokenGrant(publicClient, refreshTokenOf(tokens)));
      expect(refused).toMatchObject({ status: 400, error: 'invalid_grant' });
      // RFC 7009 §2.2: a token already revoked is answered as any other.
      await expect(oidc.tokenRevocation(publicClient, refreshTokenOf(tokens))).resolves.toBeUndefined();
    });

    it('refuses a wrong introspection secret: a 401 Basic challenge, invalid_client in its body', async () => {
      const tokens = await passwordGrant();
      const impostor = await discover(RESOURCE_SERVER, oidc.ClientSecretBasic('y'.repeat(40)));

      const error = await rejection(oidc.tokenIntrospection(impostor, tokens.access_token));

      // RFC 6749 §5.2 asks for the challenge on a 401, and oauth4webapi reports a challenge before any body.
      expect(error).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
      const challenge = error as oidc.WWWAuthenticateChallengeError;
      expect(challenge.status).toBe(401);
      expect(challenge.cause).toEqual([{ scheme: 'basic', parameters: { realm: 'introspection', charset: 'UTF-8' } }]);
      expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' });
    });
  });

  describe('simple-oauth2 (@hapi/wreck underneath)', () => {
    let client: ResourceOwnerPassword;

    // simple-oauth2 does no discovery: it is given the paths the RFC 8414 metadata names.
    beforeAll(async () => {
      const metadata = (await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
      client = new ResourceOwnerPassword({
        client: { id: PUBLIC_CLIENT, secret: '' },
        auth: {
          tokenHost: metadata.issuer,
          tokenPath: new URL(metadata.token_endpoint).pathname,
          revokePath: new URL(metadata.revocation_endpoint).pathname,
        },
      });
    });

    const passwordGrant = () => client.getToken({ username: EMAIL, password: PASSWORD, scope: ['offline_access'] });
    const accessTokenOf = (token: AccessToken) => String(token.token.access_token);

    /** How Wreck rejects a non-2xx answer: a Boom error holding the parsed JSON body. */
    const wreckError = (status: number, oauthError: string) => ({
      isBoom: true,
      output: { statusCode: status },
      data: { payload: { error: oauthError } },
    });

    it('gets a pair with getToken and offline_access, and rotates it with refresh()', async () => {
      const first = await passwordGrant();
      const second = await first.refresh();

      expect(first.token).toMatchObject({
        access_token: expect.stringMatching(ACCESS_TOKEN),
        token_type: 'bearer',
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        refresh_token: expect.stringMatching(REFRESH_TOKEN),
        expires_at: expect.any(Date),
      });
      expect(second.token).toMatchObject({
        access_token: expect.stringMatching(ACCESS_TOKEN),
        refresh_token: expect.stringMatching(REFRESH_TOKEN),
      });
      expect(second.token.refresh_token).not.toBe(first.token.refresh_token);
      await me(accessTokenOf(first)).expect(401);
      await me(accessTokenOf(second)).expect(200);
    });

    it('rejects a used refresh token with invalid_grant; past the grace, the reuse ends the whole session', async () => {
      const first = await passwordGrant();
      const second = await first.refresh();
      pastReuseGrace();

      expect(await rejection(first.refresh())).toMatchObject(wreckError(400, 'invalid_grant'));

      await me(accessTokenOf(second)).expect(401);
      expect(await rejection(second.refresh())).toMatchObject(wreckError(400, 'invalid_grant'));
    });

    // Wreck is set to `json: 'strict'`: an answer other than JSON would reject even with a 200.
    it("revokes with revoke('refresh_token'), answered {}: the session's access token ends too", async () => {
      const token = await passwordGrant();

      await expect(token.revoke('refresh_token')).resolves.toEqual({});

      await me(accessTokenOf(token)).expect(401);
      expect(await rejection(token.refresh())).toMatchObject(wreckError(400, 'invalid_grant'));
    });

    it('revokes with revokeAll: its second revocation, of a token the first already ended, is answered as well', async () => {
      const token = await passwordGrant();

      await expect(token.revokeAll()).resolves.toBeUndefined();

      await me(accessTokenOf(token)).expect(401);
      expect(await rejection(token.refresh())).toMatchObject(wreckError(400, 'invalid_grant'));
    });
  });

  describe('@badgateway/oauth2-client', () => {
    // No endpoint is configured: each is found by discovery, or guessed at the server's root, where nothing answers.
    const publicClient = () => new OAuth2Client({ server: origin, clientId: PUBLIC_CLIENT });
    const resourceServer = (secret = RESOURCE_SERVER_SECRET) =>
      new OAuth2Client({ server: origin, clientId: RESOURCE_SERVER, clientSecret: secret });

    const passwordGrant = () => publicClient().password({ username: EMAIL, password: PASSWORD, scope: ['offline_access'] });

    it('discovers the endpoints from the RFC 8414 metadata', async () => {
      const client = publicClient();

      await expect(client.getEndpoint('tokenEndpoint')).resolves.toBe(`${origin}/auth/token`);
      await expect(client.getEndpoint('revocationEndpoint')).resolves.toBe(`${origin}/auth/revoke`);
      await expect(client.getEndpoint('introspectionEndpoint')).resolves.toBe(`${origin}/auth/introspect`);
    });

    it('gets a pair with password() and offline_access, and rotates it with refreshToken()', async () => {
      const before = Date.now();
      const first = await passwordGrant();
      const after = Date.now();
      const second = await publicClient().refreshToken(first);

      expect(first).toEqual({
        accessToken: expect.stringMatching(ACCESS_TOKEN),
        refreshToken: expect.stringMatching(REFRESH_TOKEN),
        expiresAt: expect.any(Number),
      });
      // The library turns expires_in into a time of its own clock.
      expect(first.expiresAt).toBeGreaterThanOrEqual(before + ACCESS_TOKEN_TTL_SECONDS * 1000);
      expect(first.expiresAt).toBeLessThanOrEqual(after + ACCESS_TOKEN_TTL_SECONDS * 1000);
      expect(second.accessToken).toMatch(ACCESS_TOKEN);
      expect(second.refreshToken).toMatch(REFRESH_TOKEN);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      await me(first.accessToken).expect(401);
      await me(second.accessToken).expect(200);
    });

    it('rejects a used refresh token with an OAuth2HttpError of invalid_grant', async () => {
      const first = await passwordGrant();
      const second = await publicClient().refreshToken(first);

      const error = await rejection(publicClient().refreshToken(first));

      expect(error).toBeInstanceOf(OAuth2HttpError);
      expect(error).toMatchObject({ httpCode: 400, oauth2Code: 'invalid_grant' });
      await me(second.accessToken).expect(200);
    });

    it('introspects as the resource server (HTTP Basic)', async () => {
      const token = await passwordGrant();

      const answer = await resourceServer().introspect(token);

      expect(answer).toEqual(liveIntrospection());
    });

    it("revokes with revoke(token, 'refresh_token'): the access token ends and introspects as inactive", async () => {
      const token = await passwordGrant();

      await expect(publicClient().revoke(token, 'refresh_token')).resolves.toEqual({});

      await me(token.accessToken).expect(401);
      await expect(resourceServer().introspect(token)).resolves.toEqual({ active: false });
      const refused = await rejection(publicClient().refreshToken(token));
      expect(refused).toMatchObject({ httpCode: 400, oauth2Code: 'invalid_grant' });
    });

    it('refuses a wrong introspection secret with an OAuth2HttpError of invalid_client', async () => {
      const token: OAuth2Token = await passwordGrant();

      const error = await rejection(resourceServer('y'.repeat(40)).introspect(token));

      expect(error).toBeInstanceOf(OAuth2HttpError);
      expect(error).toMatchObject({ httpCode: 401, oauth2Code: 'invalid_client' });
    });
  });
});
