/**
 * The bench's own database on the DATABASE_URL server, and its seed: many
 * users and live tokens, written with plain SQL because going through the
 * API would cost one bcrypt run per user.
 */
import bcrypt from 'bcrypt';
import mysql from 'mysql2/promise';
import { digestAccessToken, generateAccessToken } from '../../src/auth/tokens/access-token.codec';

const BATCH_ROWS = 1000;
const TOKEN_LIFETIME_MS = 24 * 3600_000;

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface SeededUser {
  id: number;
  email: string;
  createdAt: Date;
}

export interface SeededToken {
  token: string;
  userId: number;
}

export interface Seed {
  users: SeededUser[];
  /** Token i belongs to user i mod users: consecutive tokens have different owners. */
  tokens: SeededToken[];
}

/** A database next to the configured one, so the run neither reads nor disturbs its data. */
export async function createBenchDatabase(configuredUrl: string, suffix: string): Promise<BenchDatabase> {
  const url = new URL(configuredUrl);
  const name = `${decodeURIComponent(url.pathname.slice(1)) || 'auth'}_${suffix}`;
  // Connected to no database: the configured one need not exist yet.
  url.pathname = '/';
  const admin = await mysql.createConnection(url.toString());
  const id = admin.escapeId(name);
  try {
    // Left behind by a run that was killed outright.
    await admin.query(`DROP DATABASE IF EXISTS ${id}`);
    await admin.query(`CREATE DATABASE ${id} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  url.pathname = `/${encodeURIComponent(name)}`;
  return {
    url: url.toString(),
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${id}`);
      } finally {
        await admin.end();
      }
    },
  };
}

export function seededEmail(userId: number): string {
  return `bench-user-${userId}@example.com`;
}

/**
 * Inserts the users and tokens into tables the service's migrations created.
 * One bcrypt hash serves every user: hashing each would take minutes and
 * measure nothing more.
 */
export async function seed(databaseUrl: string, counts: { users: number; tokens: number }, password: string, cost: number): Promise<Seed> {
  // The service reads and writes datetimes as UTC (timezone 'Z'): so must the seed.
  const connection = await mysql.createConnection({ uri: databaseUrl, timezone: 'Z' });
  try {
    const now = new Date();
    const hash = await bcrypt.hash(password, cost);
    const users = Array.from({ length: counts.users }, (_, i) => ({ id: i + 1, email: seededEmail(i + 1), createdAt: now }));
    await insertInBatches(
      connection,
      'INSERT INTO users (id, email, hashed_password, is_active, created_at, updated_at) VALUES ?',
      users.map((user) => [user.id, user.email, hash, 1, now, now]),
    );

    const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS);
    const tokens = Array.from({ length: counts.tokens }, (_, i) => ({ token: generateAccessToken(), userId: users[i % users.length].id }));
    await insertInBatches(
      connection,
      'INSERT INTO access_tokens (token_hash, user_id, created_at, expires_at, last_used_at) VALUES ?',
      tokens.map(({ token, userId }) => [digestAccessToken(token), userId, now, expiresAt, now]),
    );
    return { users, tokens };
  } finally {
    await connection.end();
  }
}

async function insertInBatches(connection: mysql.Connection, statement: string, rows: unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    await connection.query(statement, [rows.slice(start, start + BATCH_ROWS)]);
  }
}
