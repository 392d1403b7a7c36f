import type { Response, Test } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { setCookies } from '../session-cookies';
import { throughProvider } from './oidc-provider';

/** The service's own base URL in the provider suites: the provider sends browsers back to its callbacks. */
export const PUBLIC_URL = 'http://localhost:3999';
/** APP_URL's default: where flows end unless they name another redirectTo. */
export const APP_HOME = 'http://localhost:3000/';

export const callbackUrl = (providerId = 'test') => `${PUBLIC_URL}/auth/providers/${providerId}/callback`;

/** A flow started in a browser: the provider's URL it was sent to, and the binding cookie it holds. */
export interface StartedFlow {
  authorizationUrl: string;
  /** The Cookie header that carries the flow's binding cookie. */
  cookie: string;
}

/** How a flow ended: the 303's Location, its fragment's values, and the cookies it set. */
export interface FinishedFlow {
  response: Response;
  location: URL;
  fragment: URLSearchParams;
  cookies: Map<string, string>;
}

export async function startFlow(http: TestAgent, query: Record<string, string> = {}, providerId = 'test'): Promise<StartedFlow> {
  const response = await http.get(`/auth/providers/${providerId}/authorize`).query(query).expect(302);
  const binding = [...setCookies(response).values()].find((line) => line.includes('provider-flow-'));
  if (!binding) throw new Error('the authorize route set no binding cookie');
  return { authorizationUrl: response.headers.location, cookie: binding.slice(0, binding.indexOf(';')) };
}

/** The browser comes back from the provider to the callback, with the cookie it holds (or another). */
export function returnToService(http: TestAgent, callback: URL, cookie: string | undefined): Test {
  const request = http.get(callback.pathname + callback.search);
  return cookie === undefined ? request : request.set('Cookie', cookie);
}

export function finished(response: Response): FinishedFlow {
  const location = new URL(response.headers.location);
  return { response, location, fragment: new URLSearchParams(location.hash.slice(1)), cookies: setCookies(response) };
}

/** A whole flow in one browser: authorize, the provider's pages, and the callback's redirect. */
export async function signInThroughProvider(
  http: TestAgent,
  query: Record<string, string> = {},
  providerId = 'test',
): Promise<FinishedFlow> {
  const started = await startFlow(http, query, providerId);
  const callback = await throughProvider(started.authorizationUrl, callbackUrl(providerId));
  return finished(await returnToService(http, callback, started.cookie).expect(303));
}
