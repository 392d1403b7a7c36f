import type { IncomingMessage, Server } from 'node:http';
import type { HttpConfig } from '../../config/app.config';

/** Node checks its header and request bounds on an interval (30 s by default): the slack a slow client gets past them. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;
/** The request deadline answers first, with the contract's 503; Node's own 408 (no body) only backs it up. */
const REQUEST_TIMEOUT_BACKSTOP_MS = 1000;

/**
 * What a slow or silent client may hold of the server: headers within
 * HEADERS_TIMEOUT_MS, the whole request within REQUEST_TIMEOUT_MS (the
 * request deadline answers it then, and closes the connection), an idle
 * keep-alive connection KEEP_ALIVE_TIMEOUT_MS, and MAX_CONNECTIONS in all.
 */
export function boundSlowClients(server: Server, config: HttpConfig): void {
  // The headers are part of the request: they never get longer than it.
  const headersTimeoutMs =
    config.requestTimeoutMs === 0 ? config.headersTimeoutMs : Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs === 0 ? 0 : config.requestTimeoutMs + REQUEST_TIMEOUT_BACKSTOP_MS;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.maxConnections = config.maxConnections;
  // Read when the server starts listening; Node's types leave the property out.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CONNECTIONS_CHECKING_INTERVAL_MS;
  // Node starts the headers bound at a request's first byte: a connection that sends nothing gets as long to begin.
  server.on('connection', (socket) => socket.setTimeout(headersTimeoutMs, () => socket.destroy()));
  server.on('request', (request: IncomingMessage) => request.socket.setTimeout(0));
}
