import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const ADDS_CREDENTIAL_KEY = 'addsCredential';
/** The OpenAPI extension @AddsCredential() sets; the document builder documents the 403s it causes. */
export const ADDS_CREDENTIAL_OPERATION = 'x-adds-credential';

export interface CredentialRoutePolicy {
  /** Refused to personal access tokens too (403 FORBIDDEN): only a login's session may. */
  sessionTokenOnly: boolean;
}

/**
 * A route that adds a way into the account beyond the password (a passkey, a
 * second factor, a personal token): refused with 403 EMAIL_NOT_VERIFIED
 * while the account's email is unproven. Whoever registered someone else's
 * address first could otherwise keep a way in after its owner recovers the
 * account by mail (pre-account hijacking), whatever EMAIL_VERIFICATION says.
 */
export const AddsCredential = (policy: Partial<CredentialRoutePolicy> = {}) => {
  const resolved: CredentialRoutePolicy = { sessionTokenOnly: policy.sessionTokenOnly ?? false };
  return applyDecorators(SetMetadata(ADDS_CREDENTIAL_KEY, resolved), ApiExtension(ADDS_CREDENTIAL_OPERATION, resolved));
};
