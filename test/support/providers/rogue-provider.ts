import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { IdentityProviderSetting } from '../../../src/config/settings/identity-providers';

/** What the provider's token endpoint answers: a right ID token, one that fails one check, or garbage. */
export type RogueAnswer =
  | 'valid'
  | 'signed-by-another-key'
  | 'alg-none'
  | 'hmac-with-public-key'
  | 'wrong-iss'
  | 'wrong-aud'
  | 'several-audiences-without-azp'
  | 'wrong-azp'
  | 'expired'
  | 'wrong-nonce'
  | 'missing-nonce'
  | 'issued-in-the-future'
  | 'html'
  | 'server-error'
  | 'stall'
  | 'huge';

export interface RogueProvider {
  issuer: string;
  /** The provider's access token in its answers: it must reach no column, log line or answer of the service. */
  accessToken: string;
  clientSecret: string;
  setting(id?: string): IdentityProviderSetting;
  answer(next: RogueAnswer): void;
  /** Discovery fails (500) while this is false. */
  discoverable(on: boolean): void;
  /** Who signs in at the next flow. */
  signInAs(sub: string, email: string): void;
  stop(): Promise<void>;
}

const CLIENT_ID = 'rogue-client';

/**
 * An OpenID Connect provider of the tests' own, hand-written so that its
 * token endpoint can answer what no honest provider would: an ID token
 * signed by another key, with `alg: none` or HMAC keyed with its public key,
 * with a wrong `iss`, `aud` or `nonce`, expired; or HTML, a 500, a stall, a
 * 10 MB body. It advertises `none` and HS256 among its algorithms, so that
 * only the relying party's own checks stand between such a token and a session.
 */
export async function startRogueProvider(): Promise<RogueProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const publicPem = await exportSPKI(publicKey);
  const accessToken = `rogue-access-${randomBytes(16).toString('hex')}`;
  const clientSecret = `rogue-secret-${randomBytes(16).toString('hex')}`;
  let next: RogueAnswer = 'valid';
  let discovery = true;
  let person = { sub: 'rogue-person', email: 'rogue.person@example.com' };
  const nonces = new Map<string, string>();
  const stalled = new Set<ServerResponse>();

  const server: Server = createServer((request, response) => void handle(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const idToken = async (nonce: string | undefined): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { ...person, email_verified: true, nonce };
    let iss = issuer;
    let aud: string | string[] = CLIENT_ID;
    let iat = now;
    let exp = now + 300;
    if (next === 'wrong-iss') iss = 'http://127.0.0.1:1';
    if (next === 'wrong-aud') aud = 'another-client';
    if (next === 'several-audiences-without-azp') aud = [CLIENT_ID, 'another-client'];
    if (next === 'wrong-azp') [aud, claims.azp] = [[CLIENT_ID, 'another-client'], 'another-client'];
    if (next === 'expired') [iat, exp] = [now - 600, now - 120];
    if (next === 'issued-in-the-future') iat = now + 600;
    if (next === 'wrong-nonce') claims.nonce = 'not-the-flows-nonce';
    if (next === 'missing-nonce') delete claims.nonce;
    const jwt = new SignJWT(claims).setIssuer(iss).setAudience(aud).setIssuedAt(iat).setExpirationTime(exp);
    if (next === 'alg-none') {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, iss, aud, iat, exp })}.`;
    }
    if (next === 'hmac-with-public-key') return jwt.setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(Buffer.from(publicPem));
    const key = next === 'signed-by-another-key' ? other.privateKey : privateKey;
    return jwt.setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
  };

  const json = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      if (!discovery) return void response.writeHead(500).end('down');
      return json(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    }
    if (url.pathname === '/jwks') return json(response, 200, { keys: [publicJwk] });
    if (url.pathname === '/authorize') {
      const code = randomBytes(16).toString('hex');
      nonces.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state')!);
      return void response.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === '/token') {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      const nonce = nonces.get(new URLSearchParams(body).get('code') ?? '');
      if (next === 'html') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
      if (next === 'server-error') return json(response, 500, { error: 'server_error' });
      if (next === 'stall') return void stalled.add(response);
      if (next === 'huge') return json(response, 200, { padding: 'x'.repeat(10 * 1024 * 1024) });
      return json(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 60, id_token: await idToken(nonce) });
    }
    response.writeHead(404).end();
  }

  return {
    issuer,
    accessToken,
    clientSecret,
    setting: (id = 'rogue') => ({
      id,
      kind: 'oidc',
      name: 'Rogue',
      clientId: CLIENT_ID,
      clientSecret,
      scopes: ['openid', 'email'],
      issuer,
    }),
    answer: (answer) => void (next = answer),
    discoverable: (on) => void (discovery = on),
    signInAs: (sub, email) => void (person = { sub, email }),
    stop: async () => {
      for (const response of stalled) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A rogue provider for the enclosing describe block: started in beforeAll, stopped in afterAll (read it inside a test or hook). */
export function useRogueProvider(): () => RogueProvider {
  let rogue: RogueProvider | undefined;
  beforeAll(async () => {
    rogue = await startRogueProvider();
  });
  afterAll(() => rogue?.stop());
  return () => {
    if (!rogue) throw new Error('the rogue provider starts in beforeAll');
    return rogue;
  };
}
