import { Injectable } from '@nestjs/common';
import { composeMail, MailMessage } from '../../mail/mail-message';

/** The notices of a second factor's changes: each tells the owner of the address, in case it was not them. */
@Injectable()
export class MfaMails {
  enabledNotice(to: string): MailMessage {
    return composeMail({
      to,
      subject: 'Two-factor authentication is on',
      paragraphs: [
        'Your account now asks for a code from your authenticator app after the password, and its other sessions were signed out.',
        'If this was not you, reset your password now and contact support.',
      ],
    });
  }

  disabledNotice(to: string): MailMessage {
    return composeMail({
      to,
      subject: 'Two-factor authentication is off',
      paragraphs: ['Your account no longer asks for a code after the password.', 'If this was not you, reset your password now.'],
    });
  }

  recoveryCodeUsedNotice(to: string, codesLeft: number): MailMessage {
    return composeMail({
      to,
      subject: 'A recovery code of your account was used',
      paragraphs: [
        `One of your recovery codes was just used in place of an authenticator code. ${codesLeft} of them remain.`,
        'If this was not you, reset your password now and make a new set of recovery codes.',
      ],
    });
  }
}
