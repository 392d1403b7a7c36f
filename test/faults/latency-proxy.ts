import { createConnection, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of the database that delays what the database sends
 * back by `delayMs`, keeping the bytes in order: a database that answers
 * slowly, as seen from the service.
 */
export class LatencyProxy {
  delayMs = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.relay(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Connections the service holds open through the proxy right now. */
  get openConnections(): number {
    return [...this.sockets].filter((socket) => !socket.destroyed).length / 2;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket): void {
    const database = createConnection(this.targetPort, this.targetHost);
    for (const socket of [client, database]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk) => database.write(chunk));
    let releaseAfter = 0;
    database.on('data', (chunk) => {
      // Never before an earlier chunk, even when the delay has just been shortened.
      releaseAfter = Math.max(Date.now() + this.delayMs, releaseAfter);
      setTimeout(() => client.destroyed || client.write(chunk), releaseAfter - Date.now());
    });
    client.on('close', () => database.destroy());
    database.on('close', () => setTimeout(() => client.destroy(), Math.max(0, releaseAfter - Date.now())));
  }
}
