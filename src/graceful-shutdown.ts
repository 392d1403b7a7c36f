import { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';

/** Under the 30 s that Docker and Kubernetes wait before SIGKILL. */
const GRACE_PERIOD_MS = 25_000;
const IDLE_SWEEP_MS = 100;

/**
 * On SIGTERM or SIGINT: stop accepting connections, let the requests in flight
 * finish, then run the shutdown hooks (last token uses written, scheduler
 * stopped, pool closed) and exit 0. Nest's own shutdown hooks would re-raise
 * the signal at the end, and a process killed by a signal reads as a crash to
 * the supervisor.
 */
export function closeGracefullyOnSignals(app: INestApplication, logger: LoggerService): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const drained = drain(app.getHttpServer() as Server);
    // Logged once the listening socket is closed: whoever reads it may rely on new connections being refused.
    logger.log({ event: 'shutdown.started', signal }, 'Shutdown');
    setTimeout(() => {
      logger.error({ event: 'shutdown.timed_out', gracePeriodMs: GRACE_PERIOD_MS }, undefined, 'Shutdown');
      process.exit(1);
    }, GRACE_PERIOD_MS).unref();
    drained
      .then(() => app.close())
      .then(
        () => {
          logger.log({ event: 'shutdown.completed' }, 'Shutdown');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ event: 'shutdown.failed', error: (error as Error).message }, undefined, 'Shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/**
 * Resolves once every connection has ended. A keep-alive connection is closed
 * as soon as its request in flight has been answered: idle ones are swept
 * until the server is empty.
 */
function drain(server: Server): Promise<void> {
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  return new Promise<void>((resolve) => server.close(() => resolve())).finally(() => clearInterval(sweep));
}
