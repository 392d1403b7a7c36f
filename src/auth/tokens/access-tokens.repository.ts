import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Pool as CallbackPool } from 'mysql2';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { DataSource, EntityManager, Not, Repository } from 'typeorm';
import type { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import { databaseConfig, DatabaseConfig } from '../../config/app.config';
import { isMissingParentRowError } from '../../common/errors/database-errors';
import type { Transaction } from '../../database/unit-of-work';
import type { UserRole } from '../../users/user.entity';
import { AccessToken, AccessTokenKind } from './access-token.entity';

export interface NewAccessToken {
  userId: number;
  tokenHash: Buffer;
  scopes: string;
  kind: AccessTokenKind;
  name: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Set for a session that has a refresh token. */
  refreshableUntil?: Date | null;
  /** Set for a session: when its login checked the person. */
  signedInAt?: Date | null;
}

/** What a refresh gives the session's row: a new access token in place of the old one. */
export interface RotatedAccessToken {
  tokenHash: Buffer;
  scopes: string;
  createdAt: Date;
  expiresAt: Date;
  refreshableUntil: Date;
}

/** A token row with the columns of its owner that authentication needs. */
export interface TokenWithOwner {
  tokenId: number;
  /** When this token was issued (for a session, at its login or latest refresh). */
  issuedAt: Date;
  /** A session's login; null for a personal token. */
  signedInAt: Date | null;
  expiresAt: Date;
  lastUsedAt: Date;
  /** As stored: space-separated. */
  scopes: string;
  kind: AccessTokenKind;
  userId: number;
  email: string;
  role: UserRole;
  isActive: boolean;
  emailVerifiedAt: Date | null;
  pendingEmail: string | null;
  mfaEnabledAt: Date | null;
  userCreatedAt: Date;
}

interface TokenWithOwnerRow extends RowDataPacket, Omit<TokenWithOwner, 'isActive'> {
  isActive: number | boolean;
}

const LAST_USE_BATCH = 500;

const FIND_WITH_OWNER_BY_DIGEST = `
  SELECT t.id AS tokenId, t.created_at AS issuedAt, t.signed_in_at AS signedInAt, t.expires_at AS expiresAt, t.last_used_at AS lastUsedAt, t.scopes AS scopes, t.kind AS kind,
         u.id AS userId, u.email AS email, u.role AS role, u.is_active AS isActive, u.email_verified_at AS emailVerifiedAt,
         u.pending_email AS pendingEmail, u.mfa_enabled_at AS mfaEnabledAt, u.created_at AS userCreatedAt
  FROM access_tokens t INNER JOIN users u ON u.id = t.user_id
  WHERE t.token_hash = ?`;

/** Reads and writes `access_tokens`. */
@Injectable()
export class AccessTokensRepository {
  /** mysql2's promise pool of each data source read from: the primary's, and a replica's for reads that may lag. */
  private readonly promisePools = new WeakMap<DataSource, Pool>();

  private readonly queryTimeoutMs: number | undefined;

  constructor(
    @InjectRepository(AccessToken) private readonly tokens: Repository<AccessToken>,
    @Inject(databaseConfig.KEY) database: DatabaseConfig,
  ) {
    this.queryTimeoutMs = database.queryTimeoutMs || undefined;
  }

  /** The new token's id, or null when its user was deleted meanwhile. */
  async insert(token: NewAccessToken): Promise<number | null> {
    try {
      const result = await this.tokens.insert({ refreshableUntil: null, signedInAt: null, ...token, lastUsedAt: token.createdAt });
      return Number(result.identifiers[0].id);
    } catch (error) {
      if (isMissingParentRowError(error)) return null;
      throw error;
    }
  }

  /**
   * The query of every guarded request: one indexed lookup joining the owner,
   * only the columns the guard needs, run as a prepared statement through
   * mysql2 (parsed once per connection, then only the digest travels). On
   * the primary, or on the data source ReadReplicas.mayLag chose (`on`) when
   * the caller checks what a lagging copy may answer.
   */
  async findWithOwnerByDigest(tokenHash: Buffer, on?: EntityManager): Promise<TokenWithOwner | null> {
    const source = on?.connection ?? this.tokens.manager.connection;
    // The pool itself, not TypeORM: the statement timeout must be passed here too.
    const timeout = on ? on.connection.options.maxQueryExecutionTime : this.queryTimeoutMs;
    const [rows] = await this.pool(source).execute<TokenWithOwnerRow[]>({ sql: FIND_WITH_OWNER_BY_DIGEST, timeout }, [tokenHash]);
    const row = rows[0];
    if (!row) return null;
    return {
      tokenId: row.tokenId,
      issuedAt: row.issuedAt,
      signedInAt: row.signedInAt,
      expiresAt: row.expiresAt,
      lastUsedAt: row.lastUsedAt,
      scopes: row.scopes,
      kind: row.kind,
      userId: row.userId,
      email: row.email,
      role: row.role,
      isActive: Boolean(Number(row.isActive)),
      emailVerifiedAt: row.emailVerifiedAt,
      pendingEmail: row.pendingEmail,
      mfaEnabledAt: row.mfaEnabledAt,
      userCreatedAt: row.userCreatedAt,
    };
  }

  private pool(source: DataSource): Pool {
    let pool = this.promisePools.get(source);
    if (!pool) {
      // TypeORM types its driver's pool as any: it is mysql2's.
      pool = ((source.driver as MysqlDriver).pool as CallbackPool).promise();
      this.promisePools.set(source, pool);
    }
    return pool;
  }

  /**
   * Tokens neither expired (a session whose refresh token lives is not) nor
   * (sessions) idle past `idleCutoff` (when given), most recently used first.
   */
  findLiveByUser(userId: number, now: Date, idleCutoff: Date | null): Promise<AccessToken[]> {
    const query = this.tokens
      .createQueryBuilder('token')
      .where('token.user_id = :userId', { userId })
      .andWhere('(token.expires_at > :now OR token.refreshable_until > :now)', { now });
    if (idleCutoff) {
      query.andWhere("(token.kind <> 'session' OR token.last_used_at > :idleCutoff)", { idleCutoff });
    }
    return query.orderBy('token.last_used_at', 'DESC').addOrderBy('token.id', 'DESC').getMany();
  }

  /**
   * The user's sessions beyond the `keep` most recently used live ones, never
   * `issuedId` (personal tokens are not counted). Read after an insert, so
   * concurrent logins never lock a user out: each trims back to the cap and
   * keeps the token it just issued.
   */
  async surplusSessions(userId: number, keep: number, now: Date, issuedId: number): Promise<number[]> {
    const surplus = await this.tokens
      .createQueryBuilder('token')
      .select('token.id', 'id')
      .addSelect('CASE WHEN token.id = :issuedId THEN 1 ELSE 0 END', 'issued')
      .addSelect('CASE WHEN token.expires_at > :now OR token.refreshable_until > :now THEN 1 ELSE 0 END', 'live')
      .where('token.user_id = :userId', { userId })
      .andWhere("token.kind = 'session'")
      .orderBy('issued', 'DESC')
      .addOrderBy('live', 'DESC')
      .addOrderBy('token.last_used_at', 'DESC')
      .addOrderBy('token.id', 'DESC')
      .setParameters({ now, issuedId })
      .offset(keep)
      .limit(1000)
      .getRawMany<{ id: number }>();
    return surplus.map((row) => Number(row.id));
  }

  /**
   * Deletes at most `limit` dead tokens: expired (and, for a session, its
   * refresh token too), or (with an idle cutoff) unused since then. Small
   * batches keep each statement's locks short.
   */
  async deleteDead(now: Date, idleCutoff: Date | null, limit: number): Promise<number> {
    const expired: { affectedRows: number } = await this.tokens.query(
      'DELETE FROM access_tokens WHERE expires_at <= ? AND (refreshable_until IS NULL OR refreshable_until <= ?) ORDER BY expires_at LIMIT ?',
      [now, now, limit],
    );
    if (idleCutoff === null || expired.affectedRows >= limit) return expired.affectedRows;
    const idle: { affectedRows: number } = await this.tokens.query(
      "DELETE FROM access_tokens WHERE last_used_at <= ? AND kind = 'session' LIMIT ?",
      [idleCutoff, limit - expired.affectedRows],
    );
    return expired.affectedRows + idle.affectedRows;
  }

  /** The user's live personal tokens, counted in the caller's transaction (after it locked the user). */
  countLivePersonal(userId: number, now: Date, transaction: Transaction): Promise<number> {
    return transaction
      .getRepository(AccessToken)
      .createQueryBuilder('token')
      .where("token.user_id = :userId AND token.kind = 'personal' AND token.expires_at > :now", { userId, now })
      .getCount();
  }

  /** The session's row, locked until the transaction ends; null once it has been deleted. */
  lockById(id: number, transaction: Transaction): Promise<AccessToken | null> {
    return transaction
      .getRepository(AccessToken)
      .createQueryBuilder('token')
      .where('token.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The session's new access token, in place of its previous one (whose digest then matches nothing). */
  async rotate(id: number, rotated: RotatedAccessToken, transaction: Transaction): Promise<void> {
    await transaction.getRepository(AccessToken).update({ id }, { ...rotated, lastUsedAt: rotated.createdAt });
  }

  /** The id and owner of the token with this digest, for a revocation by the token itself (RFC 7009). */
  async findOwnerByDigest(tokenHash: Buffer): Promise<{ tokenId: number; userId: number } | null> {
    const token = await this.tokens.findOne({ select: { id: true, userId: true }, where: { tokenHash } });
    return token ? { tokenId: token.id, userId: token.userId } : null;
  }

  /** Whether the token is still stored, read in the caller's transaction. */
  async existsInTransaction(id: number, transaction: Transaction): Promise<boolean> {
    return (await transaction.getRepository(AccessToken).countBy({ id })) > 0;
  }

  /** A new token's id, in the caller's transaction. */
  async insertInTransaction(token: NewAccessToken, transaction: Transaction): Promise<number> {
    const result = await transaction.getRepository(AccessToken).insert({ ...token, lastUsedAt: token.createdAt });
    return Number(result.identifiers[0].id);
  }

  async deleteByIds(ids: readonly number[], transaction: Transaction): Promise<void> {
    if (ids.length > 0) await transaction.getRepository(AccessToken).delete([...ids]);
  }

  async deleteByIdAndUser(id: number, userId: number, transaction: Transaction): Promise<boolean> {
    const result = await transaction.getRepository(AccessToken).delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }

  /** Every token of the user but `keepId` (all of them when null), in the caller's transaction. */
  async deleteAllByUserExcept(userId: number, keepId: number | null, transaction: Transaction): Promise<number> {
    const result = await transaction.getRepository(AccessToken).delete(keepId === null ? { userId } : { userId, id: Not(keepId) });
    return result.affected ?? 0;
  }

  /**
   * Writes a batch of uses in one statement per 500 tokens, and moves
   * `last_used_at` forward only: a late write never undoes a newer one.
   */
  async recordLastUses(uses: ReadonlyMap<number, Date>): Promise<void> {
    const entries = [...uses];
    for (let start = 0; start < entries.length; start += LAST_USE_BATCH) {
      const batch = entries.slice(start, start + LAST_USE_BATCH);
      const cases = batch.map(() => 'WHEN ? THEN ?').join(' ');
      await this.tokens.query(
        `UPDATE access_tokens SET last_used_at = GREATEST(last_used_at, CASE id ${cases} END) WHERE id IN (${batch.map(() => '?').join(', ')})`,
        [...batch.flat(), ...batch.map(([id]) => id)],
      );
    }
  }
}
