import { Inject, Injectable } from '@nestjs/common';
import { mailConfig, MailConfig } from '../config/app.config';
import { composeMail, MailMessage } from '../mail/mail-message';

/** The messages of the account's lifecycle. Links carry their token in the fragment: it never reaches a server log or a Referer. */
@Injectable()
export class AccountMails {
  constructor(@Inject(mailConfig.KEY) private readonly config: MailConfig) {}

  emailChangeConfirmation(to: string, token: string): MailMessage {
    return composeMail({
      to,
      subject: 'Confirm your new email address',
      paragraphs: [
        `Your account's email is to become ${to}. It changes once you open the link below.`,
        'If you did not ask for this, ignore this message.',
      ],
      link: { url: `${this.config.appUrl}/confirm-email#token=${token}`, label: 'Use this address' },
    });
  }

  emailChangeNotice(to: string, newEmail: string): MailMessage {
    return composeMail({
      to,
      subject: 'Your email address is about to change',
      paragraphs: [
        `Someone signed in to your account asked to change its email from ${to} to ${newEmail}. Nothing changes until the link mailed there is used.`,
        'If this was not you, change your password now: that cancels the change.',
      ],
    });
  }

  passwordChangedNotice(to: string): MailMessage {
    return composeMail({
      to,
      subject: 'Your password was changed',
      paragraphs: [
        'The password of your account was just changed, and its other sessions signed out.',
        'If this was not you, reset your password now.',
      ],
    });
  }

  deletionNotice(to: string): MailMessage {
    return composeMail({
      to,
      subject: 'Your account was deleted',
      paragraphs: [`The account of ${to} and everything in it were deleted at its owner's request.`],
    });
  }
}
