import { Writable } from 'node:stream';

export type LogLine = Record<string, unknown> & { msg?: string; event?: string; requestId?: string };

const activeCaptures = new Set<LogCapture>();

/**
 * The log destination of every test application. nestjs-pino keeps one root
 * logger per process, built from the first application's settings, so all
 * test applications share this destination at the most verbose level, and it
 * hands each line to the captures that are listening.
 */
export const testLogDestination = new Writable({
  write(chunk: Buffer | string, _encoding, done) {
    for (const capture of activeCaptures) capture.chunks.push(String(chunk));
    done();
  },
});

/** Every log line written by any test application from its creation on. */
export class LogCapture {
  readonly chunks: string[] = [];

  constructor() {
    activeCaptures.add(this);
  }

  text(): string {
    return this.chunks.join('');
  }

  lines(): LogLine[] {
    return this.text()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as LogLine);
  }
}
