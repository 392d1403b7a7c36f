import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { rawHeaderValues } from '../../common/http/raw-headers';
import { httpConfig, HttpConfig } from '../../config/app.config';

const FOREIGN_ORIGIN = 'This origin may not log in with a session cookie';

/** The origin a Referer names, or undefined when it names none. */
function originOfReferer(referer: string): string | undefined {
  try {
    const { origin } = new URL(referer);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Login CSRF defence for the cookie login (OWASP CSRF cheat sheet): a hostile
 * page must not be able to log a victim's browser into the attacker's account.
 * A browser names the page's origin; only the CORS allow-list may log in this
 * way (and the service's own pages). Without an Origin, the Referer stands in for it (OWASP's fallback): a
 * foreign one is refused too. Clients that send neither (curl, servers) are
 * not browsers at risk.
 */
@Injectable()
export class TrustedOriginGuard implements CanActivate {
  /** CORS_ORIGINS, and the service's own origin when it serves its account pages (ACCOUNT_PAGES). */
  private readonly trusted: ReadonlySet<string>;

  constructor(@Inject(httpConfig.KEY) config: HttpConfig) {
    this.trusted = new Set([...config.corsOrigins, ...(config.accountPages ? [new URL(config.publicUrl).origin] : [])]);
  }

  canActivate(context: ExecutionContext): boolean {
    this.assertTrusted(context.switchToHttp().getRequest<Request>());
    return true;
  }

  /** The same rule for a route that logs a browser in only in some cases (the MFA step of a cookie login). */
  assertTrusted(request: Request): void {
    const origins = rawHeaderValues(request, 'origin');
    if (origins.length > 0) {
      if (origins.length === 1 && this.trusted.has(origins[0])) return;
      throw new DomainError('CSRF_FAILED', FOREIGN_ORIGIN);
    }
    if (rawHeaderValues(request, 'sec-fetch-site').some((site) => site !== 'same-origin' && site !== 'none')) {
      throw new DomainError('CSRF_FAILED', FOREIGN_ORIGIN);
    }
    const referers = rawHeaderValues(request, 'referer');
    if (referers.length > 0) {
      const origin = referers.length === 1 ? originOfReferer(referers[0]) : undefined;
      if (origin === undefined || !this.trusted.has(origin)) throw new DomainError('CSRF_FAILED', FOREIGN_ORIGIN);
    }
  }
}
