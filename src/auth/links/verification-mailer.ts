import { Inject, Injectable } from '@nestjs/common';
import { mailConfig, MailConfig } from '../../config/app.config';
import type { Transaction } from '../../database/unit-of-work';
import { composeMail, MailMessage } from '../../mail/mail-message';
import { Outbox } from '../../mail/outbox';
import { AttemptThrottleService } from '../throttling/attempt-throttle.service';
import { LinkTokensService } from './link-tokens.service';

/**
 * The link that proves an account's address, mailed there: after a
 * registration, on request, and after a sign-in through a provider that did
 * not vouch for the address. Counted as every verification mail (3 an hour
 * per user and per address), in the caller's transaction, so that the count,
 * the link and the message land together or not at all.
 */
@Injectable()
export class VerificationMailer {
  constructor(
    private readonly links: LinkTokensService,
    private readonly throttle: AttemptThrottleService,
    private readonly outbox: Outbox,
    @Inject(mailConfig.KEY) private readonly config: MailConfig,
  ) {}

  async send(userId: number, address: string, transaction: Transaction): Promise<void> {
    await this.throttle.countVerificationMail(userId, address, transaction);
    const token = await this.links.issue(userId, 'verify-email', address, transaction);
    await this.outbox.enqueue(this.message(address, token), transaction);
  }

  /** The token goes in the fragment: it never reaches a server log or a Referer. */
  private message(to: string, token: string): MailMessage {
    return composeMail({
      to,
      subject: 'Confirm your email address',
      paragraphs: [`Confirm that ${to} is your address: open the link below.`, 'If you did not create an account, ignore this message.'],
      link: { url: `${this.config.appUrl}/verify-email#token=${token}`, label: 'Confirm my email address' },
    });
  }
}
