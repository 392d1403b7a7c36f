import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { authConfig, AuthConfig } from '../../config/app.config';
import { UsersService } from '../../users/users.service';
import { joinScopes, splitScopes } from '../scopes/scopes';
import { AccessTokenCache } from './access-token.cache';
import { digestAccessToken, generateAccessToken } from './access-token.codec';
import { AccessTokenRevoker } from './access-token.revoker';
import { AccessTokensRepository } from './access-tokens.repository';

export interface IssuedAccessToken {
  id: number;
  token: string;
  expiresInSeconds: number;
  scopes: string[];
}

/** Makes the session tokens of logins, and keeps each user within MAX_TOKENS_PER_USER of them. */
@Injectable()
export class AccessTokenIssuer {
  private readonly logger = new Logger(AccessTokenIssuer.name);

  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly cache: AccessTokenCache,
    private readonly revoker: AccessTokenRevoker,
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /**
   * A session token of the user, with these scopes (the caller decided them:
   * ScopeRegistry.grant), for a login that checked its secret when the
   * user's security stamp was `credentialVersion`.
   */
  async issue(userId: number, scopes: string[], credentialVersion: number): Promise<IssuedAccessToken> {
    const now = this.clock.now();
    const token = generateAccessToken();
    const tokenHash = digestAccessToken(token);
    this.cache.forgetMiss(tokenHash);
    const id = await this.repository.insert({
      userId,
      tokenHash,
      scopes: joinScopes(scopes),
      kind: 'session',
      name: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.accessTokenTtlSeconds * 1000),
    });
    // The account was deleted between the password check and now: as if it never existed.
    if (id === null) throw new DomainError('INVALID_CREDENTIALS');
    await this.assertCredentialsUnchanged(userId, id, credentialVersion);
    const evicted = await this.repository.surplusSessions(userId, this.config.maxTokensPerUser, now, id);
    if (evicted.length > 0) await this.revoker.takeBack(userId, evicted);
    return { id, token, expiresInSeconds: this.config.accessTokenTtlSeconds, scopes: splitScopes(joinScopes(scopes)) };
  }

  /**
   * A change of credentials (password, MFA, deactivation, demotion...) that
   * committed while the login checked its secret ended every token of the
   * user but not this one, stored after it. Every such change moves the
   * user's stamp in its transaction, so the stamp read now, after the insert
   * and with a shared lock (a change still open is waited for), tells: moved
   * since the login read it, or the user gone or inactive, and the token is
   * taken back. A change that commits after this read finds the token stored,
   * and ends it itself.
   */
  private async assertCredentialsUnchanged(userId: number, tokenId: number, credentialVersion: number): Promise<void> {
    const standing = await this.users.findCredentialStanding(userId);
    if (standing?.isActive && standing.credentialVersion === credentialVersion) return;
    this.logger.log({ event: 'login.raced_credential_change', userId, tokenId });
    await this.revoker.takeBack(userId, [tokenId]);
    throw new DomainError('INVALID_CREDENTIALS');
  }
}
