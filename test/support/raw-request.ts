import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Sends bytes and headers exactly as given (repeated names, no Content-Type,
 * binary bodies), which supertest would otherwise "helpfully" rewrite.
 */
export async function sendRaw(
  t: TestApp,
  options: { method: string; path: string; headers?: string[]; body?: string | Buffer },
): Promise<RawResponse> {
  const server = t.app.getHttpServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers = ['Host', `127.0.0.1:${port}`, ...(options.headers ?? [])];
  if (body) headers.push('Content-Length', String(body.length));

  return new Promise((resolve, reject) => {
    const call = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON: kept as text for the assertion to show.
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed });
      });
    });
    call.on('error', reject);
    call.end(body);
  });
}
