// A real OpenID Connect provider (oidc-provider, the certified implementation) for the tests, on loopback.
// Its sign-in page is replaced by the tests' choice: POST /test/state sets the accounts and who signs in next
// (or the error the person's refusal gives); the interaction then finishes at once, as a person would have.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PROVIDER_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = new Map();
let nextSignIn = { error: 'access_denied' };

const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.PROVIDER_CLIENTS),
  findAccount: (_context, sub) => (accounts.has(sub) ? { accountId: sub, claims: () => ({ sub, ...accounts.get(sub) }) } : undefined),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: ['a cookie key of the tests provider'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true, methods: ['S256'] },
  interactions: { url: (_context, interaction) => `/interaction/${interaction.uid}` },
});

function readJson(request) {
  return new Promise((resolve, reject) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => resolve(JSON.parse(text || '{}')));
    request.on('error', reject);
  });
}

const callback = provider.callback();
const server = createServer(async (request, response) => {
  try {
    if (request.method === 'POST' && request.url === '/test/state') {
      const state = await readJson(request);
      for (const [sub, claims] of Object.entries(state.accounts ?? {})) accounts.set(sub, claims);
      if (state.nextSignIn) nextSignIn = state.nextSignIn;
      response.writeHead(204).end();
      return;
    }
    if (request.url.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(request, response);
      if (nextSignIn.error) {
        await provider.interactionFinished(
          request,
          response,
          { error: nextSignIn.error, error_description: 'refused' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const grant = new provider.Grant({ accountId: nextSignIn.sub, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: nextSignIn.sub }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    callback(request, response);
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
