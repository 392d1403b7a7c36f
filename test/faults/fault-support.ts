import { readFileSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import type { ServiceProcess } from '../support/service-process';

export interface Answer {
  status: number;
  body: any;
  ms: number;
  /** performance.now() when the request was sent. */
  sentAt: number;
}

/** One request; a network failure is answered as status 0 with the error's code as body. */
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
    return { status: response.status, body: parsed, ms: performance.now() - sentAt, sentAt };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, body: cause?.code ?? (error as Error).name, ms: performance.now() - sentAt, sentAt };
  }
}

export const register = (service: ServiceProcess, email: string, password: string) =>
  call(service.baseUrl, 'POST', '/auth/register', { json: { email, password } });

export const login = (service: ServiceProcess, email: string, password: string) =>
  call(service.baseUrl, 'POST', '/auth/token', { json: { email, password } });

export const me = (service: ServiceProcess, token: string, timeoutMs?: number) => call(service.baseUrl, 'GET', '/users/me', { token, timeoutMs });

/** How many answers of each status: `{ "201": 1, "409": 49 }`. */
export function statusCounts(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

export const serverErrors = (answers: Answer[]) => answers.filter((answer) => answer.status >= 500 || answer.status === 0);

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 102.4) / 10 : 0;
}

export async function threadsConnected(databaseUrl: string): Promise<number> {
  const connection = await createConnection({ uri: databaseUrl });
  try {
    const [rows] = await connection.query<any[]>("SHOW GLOBAL STATUS LIKE 'Threads_connected'");
    // This connection is one of them.
    return Number(rows[0].Value) - 1;
  } finally {
    await connection.end();
  }
}

export async function queryRows<T = any>(databaseUrl: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const connection = await createConnection({ uri: databaseUrl, timezone: 'Z' });
  try {
    const [rows] = await connection.query(sql, parameters);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

/** Runs `work` from `workers` loops until `until()` is true; every answer is kept. */
export async function loadUntil(workers: number, until: () => boolean, work: (worker: number) => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!until()) answers.push(await work(worker));
    }),
  );
  return answers;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Emails with random letter case: one account for the service, 50 spellings. */
export function caseVariants(email: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    index === 0 ? email : [...email].map((character) => (Math.random() < 0.5 ? character.toUpperCase() : character)).join(''),
  );
}
