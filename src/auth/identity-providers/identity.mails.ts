import { Injectable } from '@nestjs/common';
import { composeMail, MailMessage } from '../../mail/mail-message';

/** The notice of an identity linked to an account: it can sign in from now on, so the owner of the address must know. */
@Injectable()
export class IdentityMails {
  linkedNotice(to: string, providerName: string): MailMessage {
    return composeMail({
      to,
      subject: `${providerName} can now sign in to your account`,
      paragraphs: [
        `Your ${providerName} account was linked to your account here: signing in with ${providerName} now opens it.`,
        'If this was not you, unlink it from your account, reset your password and sign out your other sessions.',
      ],
    });
  }
}
