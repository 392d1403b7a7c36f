import type { Request } from 'express';
import type { ErrorBody } from '../../common/errors/error-body';
import type { ErrorCode } from '../../common/errors/error-codes';

/** The endpoints whose errors speak RFC 6749 §5.2 as well as the contract. */
export const OAUTH_ENDPOINTS: ReadonlySet<string> = new Set(['/auth/token', '/auth/revoke', '/auth/introspect']);

const OAUTH_ERROR_OF: Partial<Record<ErrorCode, string>> = {
  INVALID_CREDENTIALS: 'invalid_grant',
  INVALID_GRANT: 'invalid_grant',
  INVALID_SCOPE: 'invalid_scope',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  UNAUTHENTICATED: 'invalid_client',
};

/** RFC 6749 §5.2: `error_description` is printable ASCII but `"` and `\`. */
function asErrorDescription(message: string): string {
  return message
    .replace(/[\u2018\u2019"]/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '');
}

/**
 * Adds `error` and `error_description` (RFC 6749 §5.2) to a 400 or 401 of
 * the OAuth endpoints, so that OAuth client libraries read their errors; the
 * contract's `code` and `message` stay.
 */
export function addOAuthErrorMembers(request: Request, body: ErrorBody): void {
  if (body.statusCode !== 400 && body.statusCode !== 401) return;
  // originalUrl: inside a middleware mounted on a path (the body parser's), `path` is relative to it.
  if (request.method !== 'POST' || !OAUTH_ENDPOINTS.has(request.originalUrl.split('?')[0])) return;
  body.error = OAUTH_ERROR_OF[body.code] ?? 'invalid_request';
  body.error_description = asErrorDescription(body.message);
}
