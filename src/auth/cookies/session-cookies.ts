import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { cookieValues } from '../../common/http/raw-headers';
import { sessionConfig, SessionConfig } from '../../config/app.config';
import { IssuedAccessToken } from '../tokens/access-token.issuer';
import { CsrfTokens } from './csrf-tokens';

/** The response header that hands the CSRF token to a page that cannot read the API's cookies. */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * The browser transport: the access token in an HttpOnly cookie, and the CSRF
 * token of that session in a cookie that the page's script may read and echo.
 * With Secure on, both names carry `__Host-`: the browser then refuses them
 * without Secure, with a Domain, or with a Path other than `/`.
 */
@Injectable()
export class SessionCookies {
  readonly sessionName: string;
  readonly csrfName: string;

  constructor(
    private readonly csrf: CsrfTokens,
    @Inject(sessionConfig.KEY) private readonly config: SessionConfig,
  ) {
    const prefix = config.secureCookies ? '__Host-' : '';
    this.sessionName = `${prefix}session`;
    this.csrfName = `${prefix}csrf`;
  }

  write(response: Response, issued: IssuedAccessToken): void {
    const csrfToken = this.csrf.issue(issued.id);
    const maxAge = issued.expiresInSeconds * 1000;
    response.cookie(this.sessionName, issued.token, { ...this.attributes(), httpOnly: true, maxAge });
    response.cookie(this.csrfName, csrfToken, { ...this.attributes(), httpOnly: false, maxAge });
    response.setHeader(CSRF_HEADER, csrfToken);
  }

  /**
   * The session's CSRF token for a page that lost it (a reload on another
   * host than the API's cannot read the API's cookies): the one in the cookie
   * when it is valid for this session, so other open tabs keep working, or a
   * new one that replaces it.
   */
  csrfTokenFor(request: Request, response: Response, sessionTokenId: number): string {
    const presented = this.csrfTokensOf(request);
    let csrfToken = presented.length === 1 && this.csrf.isValid(sessionTokenId, presented[0]) ? presented[0] : undefined;
    if (csrfToken === undefined) {
      csrfToken = this.csrf.issue(sessionTokenId);
      // No Max-Age: the session cookie beside it already bounds its use.
      response.cookie(this.csrfName, csrfToken, { ...this.attributes(), httpOnly: false });
    }
    response.setHeader(CSRF_HEADER, csrfToken);
    return csrfToken;
  }

  clear(response: Response): void {
    response.clearCookie(this.sessionName, { ...this.attributes(), httpOnly: true });
    response.clearCookie(this.csrfName, { ...this.attributes(), httpOnly: false });
  }

  sessionTokensOf(request: Request): string[] {
    return cookieValues(request, this.sessionName);
  }

  csrfTokensOf(request: Request): string[] {
    return cookieValues(request, this.csrfName);
  }

  /** No Domain attribute: the cookies go back to this host only. */
  private attributes(): CookieOptions {
    return { secure: this.config.secureCookies, sameSite: 'lax', path: '/', encode: String };
  }
}
