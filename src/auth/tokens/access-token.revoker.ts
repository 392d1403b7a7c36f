import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../../common/time/clock';
import { Transaction, UnitOfWork } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { BearerSecretAttempts } from '../throttling/bearer-secret-attempts';
import { AccessTokenCache } from './access-token.cache';
import { digestAccessToken, isWellFormedAccessToken } from './access-token.codec';
import { AccessTokensRepository } from './access-tokens.repository';
import { refreshTokens } from './refresh-token.codec';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TokenRevocationsRepository } from './token-revocations.repository';

/**
 * Ends tokens by the revocation protocol: each deletion writes its line in
 * the revocation log in the same transaction, so that every instance's cache
 * drops the token within REVOCATION_POLL_MS; this instance's cache forgets it
 * after the commit.
 */
@Injectable()
export class AccessTokenRevoker {
  private readonly logger = new Logger(AccessTokenRevoker.name);

  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly cache: AccessTokenCache,
    private readonly revocations: TokenRevocationsRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly users: UsersService,
    private readonly unknownTokens: BearerSecretAttempts,
    private readonly clock: Clock,
  ) {}

  /** Revokes one of the user's tokens (a logout): false when it was not there (any more). */
  async revoke(userId: number, tokenId: number): Promise<boolean> {
    const deleted = await this.unitOfWork.run(async (transaction) => {
      if (!(await this.repository.deleteByIdAndUser(tokenId, userId, transaction))) return false;
      await this.revocations.insert(userId, [tokenId], this.clock.now(), transaction);
      return true;
    });
    this.cache.forgetTokens([tokenId]);
    return deleted;
  }

  /**
   * Ends the session (or personal token) of a token presented by its holder
   * (RFC 7009): an access token, or any refresh token of a session, used or
   * not. The ids of what was ended; null when the token matched nothing.
   * Tokens that match nothing count against the client like any other
   * bearer secret (429 past the limit, for every token alike).
   */
  async revokePresented(token: string, clientAddress: string): Promise<{ userId: number; tokenId: number } | null> {
    this.unknownTokens.assertAllowed(clientAddress);
    const owner = isWellFormedAccessToken(token)
      ? await this.repository.findOwnerByDigest(digestAccessToken(token))
      : refreshTokens.isWellFormed(token)
        ? await this.refreshTokens
            .findFamily(refreshTokens.digest(token))
            .then((family) => (family ? { userId: family.userId, tokenId: family.sessionId } : null))
        : null;
    if (!owner || !(await this.revoke(owner.userId, owner.tokenId))) {
      this.unknownTokens.failed(clientAddress);
      return null;
    }
    return owner;
  }

  /**
   * In the caller's transaction: the session ends, refresh tokens and all.
   * forgetTokens follows the commit.
   */
  async endSessionInTransaction(userId: number, sessionId: number, transaction: Transaction): Promise<void> {
    await this.repository.deleteByIdAndUser(sessionId, userId, transaction);
    await this.revocations.insert(userId, [sessionId], this.clock.now(), transaction);
  }

  /**
   * In the transaction of a refresh: the session's previous access token no
   * longer matches its row, and every instance's cache must drop it too.
   * forgetTokens follows the commit.
   */
  async replacedInTransaction(userId: number, sessionId: number, transaction: Transaction): Promise<void> {
    await this.revocations.insert(userId, [sessionId], this.clock.now(), transaction);
  }

  /** This instance's cached copies of these tokens, dropped after the commit that ended or replaced them. */
  forgetTokens(tokenIds: number[]): void {
    this.cache.forgetTokens(tokenIds);
  }

  /** Revokes one of the user's tokens by id; another user's is "not found", never "forbidden". */
  async revokeOwned(userId: number, tokenId: number): Promise<void> {
    if (!(await this.revoke(userId, tokenId))) throw new DomainError('NOT_FOUND', 'No such token');
  }

  /** Takes back tokens just issued or evicted by the per-user cap. */
  async takeBack(userId: number, tokenIds: number[]): Promise<void> {
    await this.unitOfWork.run(async (transaction) => {
      await this.repository.deleteByIds(tokenIds, transaction);
      await this.revocations.insert(userId, tokenIds, this.clock.now(), transaction);
    });
    this.cache.forgetTokens(tokenIds);
  }

  /**
   * Writes, in the change's transaction, that the user's details changed or
   * their tokens were revoked: every instance's cache drops their entries.
   */
  async ownerChanged(userId: number, transaction: Transaction): Promise<void> {
    await this.revocations.insert(userId, null, this.clock.now(), transaction);
  }

  /**
   * This instance's cached copies of the user's sessions (but
   * `exceptTokenId`'s), dropped at once after the change's commit (the other
   * instances read it from the log). After, not before: a request in between
   * could cache a token still in the database again.
   */
  forgetOwner(userId: number, exceptTokenId?: number): void {
    this.cache.forgetUser(userId, exceptTokenId);
  }

  /**
   * In the transaction of a change a signed-in user makes to their own
   * credentials, after the user's row is locked: 401 INVALID_TOKEN when the
   * session that asked was ended meanwhile (a reset or a change that
   * committed while this request was past its checks). Without it, a change
   * in flight from a stolen session would land after the owner's reset and
   * undo it.
   */
  async assertSessionLive(tokenId: number, transaction: Transaction): Promise<void> {
    if (!(await this.repository.existsInTransaction(tokenId, transaction))) throw new DomainError('INVALID_TOKEN');
  }

  /**
   * The rule of every change of the user's credentials, in its transaction:
   * the security stamp moves on (logins still in flight take their token
   * back) and every token of the user but `keepTokenId` (all when null) ends.
   * forgetOwner follows the commit.
   */
  async endForCredentialChange(userId: number, keepTokenId: number | null, transaction: Transaction): Promise<number> {
    await this.users.bumpCredentialVersion(userId, transaction);
    return this.revokeAllInTransaction(userId, keepTokenId, transaction);
  }

  /** Deletes every token of the user but `keepTokenId` (all when null) in the caller's transaction; forgetOwner follows the commit. */
  async revokeAllInTransaction(userId: number, keepTokenId: number | null, transaction: Transaction): Promise<number> {
    const revoked = await this.repository.deleteAllByUserExcept(userId, keepTokenId, transaction);
    await this.ownerChanged(userId, transaction);
    this.logger.log({ event: 'token.revoked_all_others', userId, keptTokenId: keepTokenId, revoked });
    return revoked;
  }

  async revokeAllExcept(userId: number, keepTokenId: number): Promise<number> {
    const revoked = await this.unitOfWork.run((transaction) => this.revokeAllInTransaction(userId, keepTokenId, transaction));
    this.forgetOwner(userId, keepTokenId);
    return revoked;
  }
}
