import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { migrations } from '../src/database/migrations';

/** The migrations on a database of their own: up, matching the entities, down, up again. */
describe('Schema migrations', () => {
  const base = new URL(process.env.DATABASE_URL!);
  const scratch = new URL(base.toString());
  scratch.pathname = `${base.pathname}_schema`;
  const name = scratch.pathname.slice(1);
  let dataSource: DataSource;

  beforeAll(async () => {
    const admin = await createConnection({ uri: base.toString() });
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\``);
    await admin.end();
    dataSource = new DataSource(buildDataSourceOptions({ url: scratch.toString(), poolSize: 1, migrateOnStart: false }));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.query(`DROP DATABASE \`${name}\``);
    await dataSource.destroy();
  });

  it('applies every migration and leaves nothing for the entities to change', async () => {
    await dataSource.runMigrations();

    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('creates the tables in utf8mb4, the digest as BINARY(32) UNIQUE, and a cascading foreign key', async () => {
    const tables = await dataSource.query(
      'SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
    );
    expect(tables).toEqual([
      { name: 'access_tokens', collation: 'utf8mb4_unicode_ci' },
      { name: 'migrations', collation: expect.any(String) },
      { name: 'throttle_counters', collation: 'utf8mb4_unicode_ci' },
      { name: 'users', collation: 'utf8mb4_unicode_ci' },
    ]);

    const columns = await dataSource.query(
      "SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('users', 'access_tokens', 'throttle_counters') ORDER BY TABLE_NAME, ORDINAL_POSITION",
    );
    expect(columns.map((column: { t: string; c: string; type: string }) => `${column.t}.${column.c} ${column.type}`)).toEqual(
      [
        'access_tokens.id int(10) unsigned',
        'access_tokens.user_id int(10) unsigned',
        'access_tokens.token_hash binary(32)',
        'access_tokens.created_at datetime(6)',
        'access_tokens.expires_at datetime(6)',
        'access_tokens.last_used_at datetime(6)',
        'throttle_counters.key_hash binary(32)',
        'throttle_counters.hits int(10) unsigned',
        'throttle_counters.window_ends_at datetime(6)',
        'users.id int(10) unsigned',
        'users.email varchar(254)',
        'users.hashed_password varchar(255)',
        'users.is_active tinyint(4)',
        'users.created_at datetime(6)',
        'users.updated_at datetime(6)',
      ].map((line) => expect.stringMatching(new RegExp(`^${line.replace(/[()]/g, '\\$&').replace(/\\\(\d+\\\)/g, '(\\(\\d+\\))?')}$`))),
    );

    const uniques = await dataSource.query(
      "SELECT TABLE_NAME AS t, INDEX_NAME AS name, COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' ORDER BY TABLE_NAME",
    );
    expect(uniques).toEqual([
      { t: 'access_tokens', name: 'UQ_access_tokens_token_hash', c: 'token_hash' },
      { t: 'users', name: 'UQ_users_email', c: 'email' },
    ]);

    const [expiryIndex] = await dataSource.query(
      "SELECT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'access_tokens' AND COLUMN_NAME = 'expires_at'",
    );
    expect(expiryIndex.name).toBe('IDX_access_tokens_expires_at');

    const [foreignKey] = await dataSource.query(
      "SELECT DELETE_RULE AS onDelete, REFERENCED_TABLE_NAME AS parent FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'access_tokens'",
    );
    expect(foreignKey).toEqual({ onDelete: 'CASCADE', parent: 'users' });
  });

  it('reverts every migration, then applies them again', async () => {
    for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration();
    const left = await dataSource.query(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations'",
    );
    expect(left).toEqual([]);

    const applied = await dataSource.runMigrations();
    expect(applied).toHaveLength(migrations.length);
  });
});
