import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { httpConfig, HttpConfig, mailConfig, MailConfig } from '../config/app.config';

/** Printable ASCII with no backslash and no fragment: anything else is a spelling meant to confuse one parser or another. */
const PLAIN_URL = /^[\x21-\x22\x24-\x5b\x5d-\x7e]+$/;

/**
 * Where a provider flow may send the browser back: absolute http(s) URLs on
 * APP_URL's origin or one of CORS_ORIGINS, never anywhere else (no open
 * redirect). The URL must spell its origin exactly as the allowed one, so no
 * trick of parsing (`//evil`, `https:evil`, userinfo, backslashes,
 * percent-encoding, another port) can reach another host.
 */
@Injectable()
export class RedirectTargets {
  private readonly origins: ReadonlySet<string>;
  private readonly fallback: string;

  constructor(@Inject(mailConfig.KEY) mail: MailConfig, @Inject(httpConfig.KEY) http: HttpConfig) {
    this.fallback = `${mail.appUrl}/`;
    this.origins = new Set([new URL(mail.appUrl).origin, ...http.corsOrigins]);
  }

  /** The URL to send the browser to at the end; 400 VALIDATION_FAILED for one off the allowed origins. */
  resolve(redirectTo: string | undefined): string {
    if (redirectTo === undefined) return this.fallback;
    if (!this.isAllowed(redirectTo)) {
      throw DomainError.invalidFields([
        { field: 'redirectTo', message: "must be an absolute URL on APP_URL's origin or one of CORS_ORIGINS, with no fragment" },
      ]);
    }
    return redirectTo;
  }

  private isAllowed(text: string): boolean {
    if (!PLAIN_URL.test(text) || !URL.canParse(text)) return false;
    const url = new URL(text);
    if (url.username !== '' || url.password !== '' || !this.origins.has(url.origin)) return false;
    const rest = text.slice(url.origin.length);
    return text.startsWith(url.origin) && (rest === '' || rest.startsWith('/') || rest.startsWith('?'));
  }
}
