import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The ```js snippet of `docs/<page>` whose first line starts with `firstLine`, as front ends are told to use it. */
export function docSnippet(page: string, firstLine: string): string {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', page), 'utf8');
  const start = text.indexOf('```js\n' + firstLine);
  if (start === -1) throw new Error(`docs/${page} has no snippet starting with "${firstLine}"`);
  const body = text.slice(start + '```js\n'.length);
  return body.slice(0, body.indexOf('```'));
}

/** Starts a page server on a free port of 127.0.0.1; returns the port. */
export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
