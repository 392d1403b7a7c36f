import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, Transporter } from 'nodemailer';
import { mailConfig, MailConfig } from '../config/app.config';
import type { MailMessage } from './mail-message';

/**
 * Hands a message to the world: to the SMTP server of MAIL_URL, or, with
 * none, into an .eml file under MAIL_OUTBOX_DIR, which a developer opens in
 * any mail client. nodemailer builds the message either way (a
 * multipart/alternative of the text and HTML parts), so the file is exactly
 * what a server would have been given.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter;
  private readonly outboxDir?: string;

  constructor(@Inject(mailConfig.KEY) private readonly config: MailConfig) {
    if (config.mailUrl) {
      this.transporter = createTransport(config.mailUrl);
    } else {
      this.outboxDir = resolve(config.outboxDir);
      this.transporter = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    }
  }

  /** Resolves once the server accepted the message (or the file is written); rejects with the reason otherwise. */
  async send(message: MailMessage, id: string): Promise<void> {
    const info: { message?: unknown } = await this.transporter.sendMail({
      from: this.config.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    if (this.outboxDir && Buffer.isBuffer(info.message)) {
      await mkdir(this.outboxDir, { recursive: true });
      const file = join(this.outboxDir, `${new Date().toISOString().replaceAll(':', '-')}-${id}.eml`);
      await writeFile(file, info.message);
      this.logger.log({ event: 'mail.written', file });
    }
  }

  onModuleDestroy(): void {
    this.transporter.close();
  }
}
