import { patiently, retryAfterOf503 } from './patience';
import type { ServiceProcess } from './service-process';

/** The fields of the contract's JSON bodies that the suites read, each possibly absent. */
export interface AnswerFields {
  access_token?: string;
  code?: string;
  database?: string;
  id?: number;
  email?: string;
}

export interface Answer {
  status: number;
  /** The parsed JSON, the text when it was none, or a network error's code. */
  body: unknown;
  ms: number;
  /** performance.now() when the request was sent. */
  sentAt: number;
  /** The Retry-After of a 503, in seconds. */
  retryAfterSeconds?: number;
}

/** The body as a JSON object of the contract: what the suites read of it ({} when it is none). */
export function fieldsOf(answer: Answer): AnswerFields {
  return typeof answer.body === 'object' && answer.body !== null && !Array.isArray(answer.body) ? answer.body : {};
}

/** One request to a service process; a network failure is answered as status 0 with the error's code as body. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; rawBody?: string; contentType?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.json !== undefined || options.rawBody !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  const body = options.rawBody ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  const sentAt = performance.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text for the report.
    }
    return {
      status: response.status,
      body: parsed,
      ms: performance.now() - sentAt,
      sentAt,
      retryAfterSeconds: retryAfterOf503(response.status, response.headers.get('retry-after')),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, body: cause?.code ?? (error as Error).name, ms: performance.now() - sentAt, sentAt };
  }
}

/** A registration, asked again as told while the service sheds it (503 with Retry-After). */
export const register = (service: ServiceProcess, email: string, password: string) =>
  patiently(
    () => call(service.baseUrl, 'POST', '/auth/register', { json: { email, password } }),
    (answer) => answer.retryAfterSeconds,
  );

/** A login, asked again as told while the service sheds it (503 with Retry-After). */
export const login = (service: ServiceProcess, email: string, password: string) =>
  patiently(
    () => call(service.baseUrl, 'POST', '/auth/token', { json: { email, password } }),
    (answer) => answer.retryAfterSeconds,
  );

export const me = (service: ServiceProcess, token: string, timeoutMs?: number) =>
  call(service.baseUrl, 'GET', '/users/me', { token, timeoutMs });
