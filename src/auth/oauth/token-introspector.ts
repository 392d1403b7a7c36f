import { Injectable } from '@nestjs/common';
import { AccessTokenAuthenticator } from '../tokens/access-token.authenticator';

/** RFC 7662 §2.2, with no more than the contract's members. */
export type IntrospectionResult =
  | { active: false }
  | {
      active: true;
      token_type: 'Bearer';
      scope: string;
      sub: string;
      username: string;
      exp: number;
      iat: number;
      role: string;
    };

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Answers a resource server's question about a token (RFC 7662) exactly as
 * the guard would answer the token's holder: through the same cache,
 * trusted as far as the revocation log allows, so a revocation made on any
 * instance shows within a second, and a check costs what the guard's costs.
 * Refresh tokens, and anything else that is not a live access token, are
 * `{ active: false }` alike.
 */
@Injectable()
export class TokenIntrospector {
  constructor(private readonly authenticator: AccessTokenAuthenticator) {}

  async introspect(token: string): Promise<IntrospectionResult> {
    const context = await this.authenticator.inspect(token);
    if (!context) return { active: false };
    return {
      active: true,
      token_type: 'Bearer',
      scope: context.scopes.join(' '),
      sub: String(context.user.id),
      username: context.user.email,
      exp: seconds(context.expiresAt),
      iat: seconds(context.issuedAt),
      role: context.user.role,
    };
  }
}
