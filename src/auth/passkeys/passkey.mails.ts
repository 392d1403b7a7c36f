import { Injectable } from '@nestjs/common';
import { composeMail, MailMessage } from '../../mail/mail-message';

/** The notices of a user's passkeys changing: each tells the owner of the address, in case it was not them. */
@Injectable()
export class PasskeyMails {
  addedNotice(to: string, name: string): MailMessage {
    return composeMail({
      to,
      subject: 'A passkey was added to your account',
      paragraphs: [
        `A passkey named “${name}” can now sign in to your account without a password.`,
        'If this was not you, remove it from your account, reset your password and sign out your other sessions.',
      ],
    });
  }

  removedNotice(to: string, name: string): MailMessage {
    return composeMail({
      to,
      subject: 'A passkey was removed from your account',
      paragraphs: [`The passkey named “${name}” no longer signs in to your account.`, 'If this was not you, reset your password now.'],
    });
  }
}
