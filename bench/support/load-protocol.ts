/** What bench/run.ts asks of a load worker (bench/support/load-worker.ts), and what it answers. */

/** Which requests to send, in a form that crosses the IPC channel. */
export type RequestPlan =
  /** GET `path` with each request's bearer token the next of `tokens`, round robin. */
  | { kind: 'bearer'; path: string; tokens: string[] }
  /** POST /auth/token, each request for the next of `emails`. */
  | { kind: 'login'; emails: string[]; password: string }
  /** POST /auth/register, each request with an email never used before. */
  | { kind: 'register'; emailPrefix: string; password: string }
  /**
   * POST /auth/password-reset for an address that is nobody's, each request
   * from another client: X-Forwarded-For an address of its own (the service
   * trusting the loopback proxy).
   */
  | { kind: 'reset-from-many-clients'; emailPrefix: string }
  /** GET /admin/users?search= with the next of `searches`, as an admin. */
  | { kind: 'admin-search'; token: string; searches: string[] }
  /**
   * POST /auth/introspect (RFC 7662) as the resource server `client` (HTTP
   * Basic), the form's token the next of `tokens`, round robin.
   */
  | { kind: 'introspect'; client: IntrospectionClient; tokens: string[] };

/** A resource server of the service's INTROSPECTION_CLIENTS. */
export interface IntrospectionClient {
  id: string;
  secret: string;
}

/** Each connection sends its next request when the last one is answered: a throughput measurement. */
export interface ClosedLoopCommand {
  type: 'closed';
  baseUrl: string;
  plan: RequestPlan;
  connections: number;
  seconds: number;
  /**
   * Text every 2xx answer's body must hold, or it counts as a failure: an
   * answer such as 200 `{"active":false}` is a refusal all the same.
   */
  bodyIncludes?: string;
}

/**
 * Requests go out at a fixed rate whatever the answers take (an open loop),
 * each timed from the moment it was due: a latency measurement under a given load.
 */
export interface OpenLoopCommand {
  type: 'open';
  baseUrl: string;
  plan: RequestPlan;
  perSecond: number;
  seconds: number;
  /** Also answer the latency of every 200, so that several runs' can be pooled. */
  keepLatencies?: boolean;
  /** Another loopback address to send from: another client for the service. */
  localAddress?: string;
}

/**
 * GET `path` as fast as `connections` connections go, from `localAddress`
 * (another loopback address: another client for the service), each request
 * with a new well-formed token that matches nothing: the flood of issue 17.
 */
export interface FloodCommand {
  type: 'flood';
  baseUrl: string;
  path: string;
  connections: number;
  seconds: number;
  localAddress: string;
}

export interface FloodResult {
  sent: number;
  perSecond: number;
  /** Count of each status; transport errors under "error". */
  byStatus: Record<string, number>;
}

export type LoadCommand = ClosedLoopCommand | OpenLoopCommand | FloodCommand;

export interface ClosedLoopResult {
  succeeded: number;
  /**
   * Count of each status other than 2xx, of transport errors as "error",
   * and of 2xx answers without the command's `bodyIncludes` as "mismatch".
   */
  failures: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * CPU the generator used, in cores. Near 1 its one JavaScript thread was
   * the limit, and the figure says more about the generator than the server.
   */
  generatorCpuCores: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface OpenLoopResult {
  sent: number;
  /** By status code; transport errors under "error". */
  byStatus: Record<string, LatencySummary>;
  /** 503 answers that did not say when to come back. */
  unavailableWithoutRetryAfter: number;
  /**
   * How late requests left against their schedule, p99: the generator's own
   * share of the latencies above, since they are timed from when each was due.
   */
  sendLagP99Ms: number;
  /** Every 200's latency, when asked for. */
  latenciesMs?: number[];
}

export type LoadResult = ClosedLoopResult | OpenLoopResult | FloodResult;

export interface PlannedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** The plan as a generator of requests, shared by all connections of a run. */
export function requestSource(plan: RequestPlan): () => PlannedRequest {
  let next = 0;
  switch (plan.kind) {
    case 'bearer':
      return () => ({
        method: 'GET',
        path: plan.path,
        headers: { authorization: `Bearer ${plan.tokens[next++ % plan.tokens.length]}` },
      });
    case 'login':
      return () => jsonPost('/auth/token', { email: plan.emails[next++ % plan.emails.length], password: plan.password });
    case 'register':
      return () => jsonPost('/auth/register', { email: `${plan.emailPrefix}-${next++}@example.com`, password: plan.password });
    case 'reset-from-many-clients':
      return () => {
        const client = next++;
        const request = jsonPost('/auth/password-reset', { email: `${plan.emailPrefix}-${client}@example.com` });
        // 10.0.0.0/8 holds 16 million distinct clients; IPv4 addresses are one client each.
        request.headers['x-forwarded-for'] = `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`;
        return request;
      };
    case 'admin-search':
      return () => ({
        method: 'GET',
        path: `/admin/users?search=${encodeURIComponent(plan.searches[next++ % plan.searches.length])}`,
        headers: { authorization: `Bearer ${plan.token}` },
      });
    case 'introspect': {
      const authorization = basicAuthorization(plan.client);
      return () => formPost('/auth/introspect', { token: plan.tokens[next++ % plan.tokens.length] }, { authorization });
    }
  }
}

function jsonPost(path: string, payload: object): PlannedRequest {
  return { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) };
}

function formPost(path: string, fields: Record<string, string>, headers: Record<string, string>): PlannedRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

/** `client_secret_basic` (RFC 6749 §2.3.1): id and secret form-urlencoded, joined by a colon, in base64. */
function basicAuthorization({ id, secret }: IntrospectionClient): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
