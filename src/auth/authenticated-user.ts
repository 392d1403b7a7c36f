import type { UserRole } from '../users/user.entity';
import type { AccessTokenKind } from './tokens/access-token.entity';

/** Who a request acts for, as the guard puts it on the request. */
export interface AuthenticatedUser {
  id: number;
  email: string;
  role: UserRole;
  /** When a link mailed to `email` was used; null while the address is unproven. */
  emailVerifiedAt: Date | null;
  /** An address the user asked to change to, until the link mailed there is used. */
  pendingEmail: string | null;
  /** When a second factor was confirmed; null when the password alone logs in. */
  mfaEnabledAt: Date | null;
  createdAt: Date;
}

export interface AuthContext {
  user: AuthenticatedUser;
  /** The access token that authenticated this request. */
  tokenId: number;
  /** A login's session, or a personal access token. */
  tokenKind: AccessTokenKind;
  /** What that token may do: a route's @RequireScopes must all be among them. */
  scopes: readonly string[];
  /** When the token was issued (for a session, at its login or latest refresh), and when it expires. */
  issuedAt: Date;
  expiresAt: Date;
  /** When the person signed in to this session (kept through refreshes); null for a personal token. */
  signedInAt: Date | null;
}

/** The request property the guard fills in; read it through the decorators. */
export const AUTH_CONTEXT = Symbol('authContext');

export type RequestWithAuth = { [AUTH_CONTEXT]?: AuthContext };
