import { AddressObject, simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { eventually } from './eventually';
import { SMTPServer } from 'smtp-server';
import type { Mailbox } from './mailbox';

/** A message as the SMTP server received it, parsed the way a mail client would. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  contentType: string;
  /** The raw message as it came over the wire. */
  raw: string;
}

const addressesOf = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((object) => object.value.map((entry) => entry.address ?? ''));

/**
 * A real SMTP server for the tests (the `smtp-server` package): it accepts
 * what the service sends over SMTP and keeps it, parsed with `mailparser`.
 * It can refuse every message for a while, or stop and start again on its
 * port, as a failing mail server would.
 */
export class SmtpSink implements Mailbox {
  readonly received: ReceivedMail[] = [];
  refusing = false;
  private server?: SMTPServer;

  private constructor(private port: number) {}

  static async start(port = 0): Promise<SmtpSink> {
    const sink = new SmtpSink(port);
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Listens (again) on the sink's port. */
  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refusing) return callback(Object.assign(new Error('Mailbox unavailable, try later'), { responseCode: 451 }));
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (parsed) => {
              this.received.push({
                to: addressesOf(parsed.to),
                from: addressesOf(parsed.from)[0] ?? '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                contentType: parsed.headers.get('content-type') ? JSON.stringify(parsed.headers.get('content-type')) : '',
                raw: raw.toString('utf8'),
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening; queued and new messages wait for the next `listen`. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The messages to this address so far. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.includes(address));
  }

  messagesTo(address: string): Promise<ReceivedMail[]> {
    return Promise.resolve(this.to(address));
  }

  /** Waits until `count` messages to this address have arrived, and returns the last of them. */
  async waitFor(address: string, count = 1, timeoutMs = 20_000): Promise<ReceivedMail> {
    if (!(await eventually(() => this.to(address).length >= count, timeoutMs, 20))) {
      throw new Error(`no message ${count} to ${address} within ${timeoutMs} ms (${this.to(address).length} so far)`);
    }
    return this.to(address)[count - 1];
  }
}

/** The token of the first link in a message's text, as a user's page would read it from the URL's fragment. */
export function linkTokenOf(mail: ReceivedMail): string {
  const match = /#token=(lnk_[A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no link in the message "${mail.subject}"`);
  return match[1];
}
