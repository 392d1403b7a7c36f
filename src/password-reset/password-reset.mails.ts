import { Inject, Injectable } from '@nestjs/common';
import { mailConfig, MailConfig } from '../config/app.config';
import { composeMail, MailMessage } from '../mail/mail-message';

/** The messages of a password reset. The link carries its token in the fragment: it never reaches a server log or a Referer. */
@Injectable()
export class PasswordResetMails {
  constructor(@Inject(mailConfig.KEY) private readonly config: MailConfig) {}

  resetLink(to: string, token: string, validMinutes: number): MailMessage {
    return composeMail({
      to,
      subject: 'Reset your password',
      paragraphs: [
        `Someone asked to reset the password of the account of ${to}. Open the link below within ${validMinutes} minutes to choose a new one.`,
        'If this was not you, ignore this message: your password stays as it is.',
      ],
      link: { url: `${this.config.appUrl}/reset-password#token=${token}`, label: 'Choose a new password' },
    });
  }

  resetNotice(to: string): MailMessage {
    return composeMail({
      to,
      subject: 'Your password was reset',
      paragraphs: [
        'The password of your account was just reset with a link mailed to this address, and every session signed out.',
        'If this was not you, reset it again and tell us.',
      ],
    });
  }
}
