import type { UserRole } from '../../users/user.entity';

/** The scopes of the service itself; modules declare theirs with @RequireScopes. */
export const BUILT_IN_SCOPES: Readonly<Record<string, string>> = {
  account: 'Change the account: profile, password, second factor, tokens, deletion',
  admin: 'Administer every account (admins only)',
};

/**
 * Asks for a refresh token beside the access token (OpenID Connect's name,
 * which OAuth clients send): not a scope any token carries.
 */
export const OFFLINE_ACCESS = 'offline_access';

/** Scopes only some roles may hold. */
const SCOPES_OF_ROLE_ONLY: Readonly<Record<string, UserRole>> = { admin: 'admin' };

/** RFC 6749 §3.3: a scope token is printable ASCII but space, `"` and `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

export function mayHold(role: UserRole, scope: string): boolean {
  const only = SCOPES_OF_ROLE_ONLY[scope];
  return only === undefined || only === role;
}

/** A token's scopes as stored: space-separated, sorted, no duplicates. */
export function joinScopes(scopes: Iterable<string>): string {
  return [...new Set(scopes)].sort().join(' ');
}

export function splitScopes(stored: string): string[] {
  return stored === '' ? [] : stored.split(' ');
}
