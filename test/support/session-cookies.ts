import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { PASSWORD } from './test-app';

export const SESSION_COOKIE = '__Host-session';
export const CSRF_COOKIE = '__Host-csrf';

export interface BrowserSession {
  /** The session cookie's value: the access token. */
  token: string;
  csrf: string;
  /** The Cookie header a browser would send back. */
  cookie: string;
}

/** The Set-Cookie lines of a response, by cookie name. */
export function setCookies(response: Response): Map<string, string> {
  // Node hands Set-Cookie over as a list, whatever supertest's header type says.
  const sent: unknown = response.headers['set-cookie'];
  const lines = Array.isArray(sent) ? sent.filter((line): line is string => typeof line === 'string') : [];
  return new Map(lines.map((line) => [line.slice(0, line.indexOf('=')), line]));
}

export function cookieValue(setCookieLine: string): string {
  return setCookieLine.slice(setCookieLine.indexOf('=') + 1, setCookieLine.indexOf(';'));
}

/** Logs in with the cookie transport, as a browser on an allowed page would. */
export async function cookieLogin(http: TestAgent, email: string, password = PASSWORD): Promise<BrowserSession> {
  const response = await http.post('/auth/cookie/login').send({ email, password }).expect(204);
  const cookies = setCookies(response);
  const token = cookieValue(cookies.get(SESSION_COOKIE)!);
  const csrf = cookieValue(cookies.get(CSRF_COOKIE)!);
  return { token, csrf, cookie: `${SESSION_COOKIE}=${token}; ${CSRF_COOKIE}=${csrf}` };
}
