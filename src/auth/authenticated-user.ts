/** Who a request acts for, as the guard puts it on the request. */
export interface AuthenticatedUser {
  id: number;
  email: string;
  createdAt: Date;
}

export interface AuthContext {
  user: AuthenticatedUser;
  /** The access token that authenticated this request. */
  tokenId: number;
}

/** The request property the guard fills in; read it through the decorators. */
export const AUTH_CONTEXT = Symbol('authContext');

export type RequestWithAuth = { [AUTH_CONTEXT]?: AuthContext };
