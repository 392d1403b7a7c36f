import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IdentityProviderSetting } from '../../../src/config/settings/identity-providers';

/** One of a GitHub account's addresses, as `GET /user/emails` lists them. */
export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

export interface GitHubFake {
  setting(id?: string): IdentityProviderSetting;
  /** Who signs in at the next flow: GitHub's numeric id and the account's addresses. */
  signInAs(id: number, emails: GitHubEmail[]): void;
  stop(): Promise<void>;
}

/**
 * GitHub's three endpoints as its OAuth apps see them (the authorize page,
 * `POST /login/oauth/access_token`, `GET /user` and `GET /user/emails`), on
 * loopback: enough of GitHub's shape to sign in through, with PKCE checked.
 */
export async function startGitHubFake(): Promise<GitHubFake> {
  const clientId = 'Iv1.fake-github-app';
  const clientSecret = `github-secret-${randomBytes(8).toString('hex')}`;
  let person: { id: number; emails: GitHubEmail[] } = { id: 1, emails: [] };
  const grants = new Map<string, { challenge: string; person: typeof person }>();
  const tokens = new Map<string, typeof person>();

  const json = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = createServer((request, response) => void handle(request, response));
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://github.test');
    if (url.pathname === '/login/oauth/authorize') {
      const code = randomBytes(10).toString('hex');
      grants.set(code, { challenge: url.searchParams.get('code_challenge') ?? '', person });
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state')!);
      return void response.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      const form = new URLSearchParams(body);
      const grant = grants.get(form.get('code') ?? '');
      grants.delete(form.get('code') ?? '');
      const verified =
        grant &&
        createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest('base64url') === grant.challenge;
      // GitHub answers its errors with 200, as its documentation shows.
      if (!verified || form.get('client_secret') !== clientSecret) return json(response, 200, { error: 'bad_verification_code' });
      const token = `gho_${randomBytes(16).toString('hex')}`;
      tokens.set(token, grant.person);
      return json(response, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const owner = tokens.get((request.headers.authorization ?? '').replace(/^Bearer /i, ''));
    if (!owner) return json(response, 401, { message: 'Bad credentials' });
    if (url.pathname === '/user') return json(response, 200, { id: owner.id, login: `person${owner.id}` });
    if (url.pathname === '/user/emails') return json(response, 200, owner.emails);
    json(response, 404, { message: 'Not Found' });
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    setting: (id = 'github') => ({
      id,
      kind: 'github',
      name: 'GitHub',
      clientId,
      clientSecret,
      scopes: ['read:user', 'user:email'],
      authorizationUrl: `${base}/login/oauth/authorize`,
      tokenUrl: `${base}/login/oauth/access_token`,
      apiUrl: base,
    }),
    signInAs: (id, emails) => void (person = { id, emails }),
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
