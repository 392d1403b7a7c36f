import { simpleParser } from 'mailparser';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReceivedMail } from './smtp-sink';

/** Where a test application's mail arrives: the test SMTP server it was given, or the .eml folder of a service without MAIL_URL. */
export interface Mailbox {
  /** The messages to this address that have arrived so far, oldest first. */
  messagesTo(address: string): Promise<ReceivedMail[]>;
}

/**
 * The .eml files the service writes when no MAIL_URL is set, read as a mail
 * client would read them; only the files written after this folder was opened
 * (the worker's folder keeps those of its earlier suites).
 */
export class EmlFolder implements Mailbox {
  private readonly parsed = new Map<string, ReceivedMail>();

  private constructor(
    private readonly dir: string,
    private readonly before: ReadonlySet<string>,
  ) {}

  static async open(dir: string): Promise<EmlFolder> {
    return new EmlFolder(dir, new Set(await EmlFolder.files(dir)));
  }

  async messagesTo(address: string): Promise<ReceivedMail[]> {
    const messages: ReceivedMail[] = [];
    for (const file of await EmlFolder.files(this.dir)) {
      if (this.before.has(file)) continue;
      let mail = this.parsed.get(file);
      if (!mail) {
        const raw = await readFile(join(this.dir, file));
        const parsed = await simpleParser(raw);
        const to = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [];
        mail = {
          to: to.flatMap((field) => field.value.map((entry) => entry.address ?? '')),
          from: parsed.from?.value[0]?.address ?? '',
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          contentType: '',
          raw: raw.toString('utf8'),
        };
        this.parsed.set(file, mail);
      }
      if (mail.to.includes(address)) messages.push(mail);
    }
    return messages;
  }

  /** The names start with the time they were written: sorted, they are in order. */
  private static async files(dir: string): Promise<string[]> {
    return (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.eml')).sort();
  }
}
