import { IsOptional, Matches, MinLength } from 'class-validator';
import { HTTP_URL, IsIntegerSetting } from './setting-rules';

/** Mail: the web app its links open, the SMTP server or the .eml folder, retries (the mail namespace). */
export class MailSettings {
  // The web app that opens the links mailed to users: its pages /verify-email, /reset-password and /confirm-email.
  // Empty: the service's own origin (PUBLIC_URL), whose account pages open them.
  @Matches(HTTP_URL, {
    message: 'APP_URL must be an http(s) URL with no query or fragment, such as https://app.example.com',
  })
  APP_URL!: string;

  // Empty: every message is written as an .eml file under MAIL_OUTBOX_DIR, and nothing is sent.
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'MAIL_URL must be an smtp:// or smtps:// URL, such as smtp://user:pass@smtp.example.com:587' })
  MAIL_URL?: string;

  // An address only: the display name and every other header come from the service, never from input.
  @Matches(/^[^\s@<>"]+@[^\s@<>"]+$/, { message: 'MAIL_FROM must be a bare address, such as no-reply@example.com' })
  MAIL_FROM = 'no-reply@localhost';

  @MinLength(1)
  MAIL_OUTBOX_DIR = '.local/mail';

  // A failed send is tried again after this, doubled each time (with jitter), up to MAIL_MAX_ATTEMPTS in all.
  @IsIntegerSetting(100, 3_600_000)
  MAIL_RETRY_BASE_MS = 5000;

  @IsIntegerSetting(1, 100)
  MAIL_MAX_ATTEMPTS = 15;
}
