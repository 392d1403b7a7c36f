import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { DataSource } from 'typeorm';
import { PASSWORD } from '../support/test-app';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

const PROCESS_TEST_TIMEOUT_MS = 60_000;

interface HeldRequest {
  /** Sends the rest of the body. */
  release(): void;
  response: Promise<{ status: number; body: string }>;
}

/**
 * A registration the server has already started: it asks for 100-continue,
 * and the server only answers that once it has parsed the request. The body
 * is held back until `release()`, so the request stays in flight as long as
 * the test wants.
 */
async function registrationInFlight(baseUrl: string, email: string): Promise<HeldRequest> {
  const body = JSON.stringify({ email, password: PASSWORD });
  const request = httpRequest(`${baseUrl}/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (answer) => {
      let text = '';
      answer.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
  // Handled here too, so that a test failing before it awaits the answer leaves no unhandled rejection behind.
  response.catch(() => undefined);
  await new Promise<void>((resolve) => request.once('continue', resolve));
  return { release: () => request.end(body), response };
}

/** A new TCP connection, not one a client library keeps alive: refused once the server stopped listening. */
function connectionRefused(baseUrl: string): Promise<boolean> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('Graceful shutdown (the service in its own process)', () => {
  let service: ServiceProcess;
  let db: DataSource;

  beforeAll(async () => {
    db = await new DataSource({ type: 'mysql', url: process.env.DATABASE_URL }).initialize();
    await db.query('DELETE FROM users');
  });
  afterAll(async () => {
    service?.process.kill('SIGKILL');
    await db.destroy();
  });

  it(
    'on SIGTERM stops accepting, finishes the request in flight, closes the pool and exits 0',
    async () => {
      service = await startServiceProcess();
      const inFlight = await registrationInFlight(service.baseUrl, 'in-flight@example.com');

      service.process.kill('SIGTERM');
      await Promise.race([
        service.waitForLog((line) => line.event === 'shutdown.started'),
        service.exited.then((code) => Promise.reject(new Error(`exited (${code}) instead of draining`))),
      ]);
      expect(await connectionRefused(service.baseUrl)).toBe(true);

      inFlight.release();
      const answer = await inFlight.response;
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.body)).toEqual(expect.objectContaining({ email: 'in-flight@example.com' }));

      expect(await service.exited).toBe(0);
      const events = service.logs.map((line) => line.event ?? line.msg);
      expect(events).toEqual(expect.arrayContaining(['user.registered', 'shutdown.completed']));
      expect(events.indexOf('user.registered')).toBeLessThan(events.indexOf('shutdown.completed'));
      expect(service.logs.filter((line) => Number(line.level) >= 50)).toEqual([]);
      const [row] = await db.query('SELECT COUNT(*) AS n FROM users WHERE email = ?', ['in-flight@example.com']);
      expect(Number(row.n)).toBe(1);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
