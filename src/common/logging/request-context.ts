import { AsyncLocalStorage } from 'node:async_hooks';

/** The request a piece of work belongs to, so that what it logs carries the request id. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();
