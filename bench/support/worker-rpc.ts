/**
 * Request/response over the IPC channel of a forked TypeScript worker. The
 * load generators and the raw bcrypt loop run in workers of their own so they
 * never share an event loop (or a libuv thread pool) with what they measure.
 * They are tracked like every child, so the run's cleanup ends them.
 */
import { fork } from 'node:child_process';
import { ROOT, track } from './processes';

interface Call<C> {
  id: number;
  command: C;
}

type Reply<R> = { id: number; result: R } | { id: number; error: string };

/** Sent once the worker listens: a message sent before then could find no listener. */
const READY = 'ready';

export interface Worker<C, R> {
  /** Settles once the worker has loaded and listens for commands. */
  ready: Promise<void>;
  call(command: C): Promise<R>;
}

/** Forks `script` under ts-node; the script answers with `serve`. */
export function forkWorker<C, R>(script: string): Worker<C, R> {
  const child = track(
    fork(script, [], {
      cwd: ROOT,
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      // A worker's stdout would break the rule that the report's last stdout line is the JSON summary.
      stdio: ['ignore', 2, 2, 'ipc'],
    }),
  );
  const pending = new Map<number, { resolve: (result: R) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let markReady: () => void;
  let failToStart: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failToStart = reject;
  });
  // Awaited by every call; handled here too, so a worker stopped before it was ready is no unhandled rejection.
  ready.catch(() => undefined);

  child.on('message', (reply: Reply<R> | typeof READY) => {
    if (reply === READY) return markReady();
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiter?.reject(new Error(`${script}: ${reply.error}`));
    else waiter?.resolve(reply.result);
  });
  child.once('exit', (code, signal) => {
    const error = new Error(`${script} exited (code ${code}, signal ${signal})`);
    failToStart(error);
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });

  return {
    ready,
    call: async (command) => {
      await ready;
      return new Promise<R>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, command } satisfies Call<C>);
      });
    },
  };
}

/** The worker side: runs each command as it comes and sends back its result or error. */
export function serve<C, R>(handle: (command: C) => Promise<R>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a bench worker must be started with fork()');
  process.on('message', ({ id, command }: Call<C>) => {
    handle(command).then(
      (result) => send({ id, result } satisfies Reply<R>),
      (error: unknown) => send({ id, error: error instanceof Error ? error.message : String(error) } satisfies Reply<R>),
    );
  });
  // The parent is gone (finished or killed): nothing is left to answer to.
  process.once('disconnect', () => process.exit(0));
  send(READY);
}
