import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildCliDataSourceOptions } from '../src/database/data-source-options';
import { mysql8Problems, tableProblems } from './support/mysql8-compatibility';
import { scratchDatabase } from './support/scratch-database';

/** The file names of every `<timestamp>-<Name>.ts` in a `migrations/` folder under `folder`, as the data source finds them. */
function migrationFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return [];
    const path = join(folder, entry.name);
    const own = entry.name === 'migrations' ? readdirSync(path).filter((file) => /^\d+-\w+\.ts$/.test(file)) : [];
    return [...own, ...migrationFiles(path)];
  });
}

/**
 * The service's migrations on a database of their own, as the CLI sees them
 * (every entity file, every migration file): up, matching the entities, down,
 * up again; and nothing in the schema that MySQL 8 would refuse.
 */
describe('Schema migrations', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await scratchDatabase('schema');
    drop = scratch.drop;
    dataSource = await new DataSource(await buildCliDataSourceOptions({ url: scratch.url })).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await drop();
  });

  it('finds every migration file by its name, in any module’s migrations/ folder, oldest first, with no list to edit', () => {
    const files = migrationFiles(join(__dirname, '..', 'src')).sort();
    const classNames = files.map((file) => {
      const [timestamp, name] = file.replace(/\.ts$/, '').split('-');
      return `${name}${timestamp}`;
    });
    expect(classNames.length).toBeGreaterThanOrEqual(2);
    expect(dataSource.migrations.map((migration) => migration.name)).toEqual(classNames);
  });

  it('applies every migration and leaves nothing for the entities to change', async () => {
    await dataSource.runMigrations();

    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it("creates exactly the tables of the service's entities, each with a primary key, in utf8mb4", async () => {
    const tables: Array<{ name: string }> = await dataSource.query(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
    );
    const entityTables = dataSource.entityMetadatas.map((entity) => entity.tableName);
    expect(entityTables).toEqual(expect.arrayContaining(['users', 'access_tokens', 'throttle_counters']));
    // Sorted on both sides by JavaScript: the server's collation orders `project_members` and `projects` otherwise.
    expect(tables.map(({ name }) => name).sort()).toEqual([...entityTables, 'migrations'].sort());
    expect(await tableProblems(dataSource)).toEqual([]);
  });

  it('keeps nothing MySQL 8 would refuse: no hash-backed unique key, no key over 3,072 bytes, no MariaDB-only type', async () => {
    expect(await mysql8Problems(dataSource)).toEqual([]);
  });

  it('stores token digests as BINARY(32) UNIQUE, emails byte for byte, and tokens that go with their user', async () => {
    const columns: Array<{ name: string; type: string; collation: string | null }> = await dataSource.query(
      `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) AS name, COLUMN_TYPE AS type, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND CONCAT(TABLE_NAME, '.', COLUMN_NAME) IN ('access_tokens.token_hash', 'users.email')
       ORDER BY 1`,
    );
    expect(columns).toEqual([
      { name: 'access_tokens.token_hash', type: 'binary(32)', collation: null },
      { name: 'users.email', type: 'varchar(254)', collation: 'utf8mb4_bin' },
    ]);

    const uniques: Array<{ t: string; name: string; c: string }> = await dataSource.query(
      "SELECT TABLE_NAME AS t, INDEX_NAME AS name, COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' AND TABLE_NAME IN ('users', 'access_tokens') ORDER BY TABLE_NAME",
    );
    expect(uniques).toEqual([
      { t: 'access_tokens', name: 'UQ_access_tokens_token_hash', c: 'token_hash' },
      { t: 'users', name: 'UQ_users_email', c: 'email' },
    ]);

    const [foreignKey] = await dataSource.query<unknown[]>(
      "SELECT DELETE_RULE AS onDelete, REFERENCED_TABLE_NAME AS parent FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'access_tokens'",
    );
    expect(foreignKey).toEqual({ onDelete: 'CASCADE', parent: 'users' });
  });

  it('reverts every migration, then applies them again', async () => {
    const count = dataSource.migrations.length;
    for (let i = 0; i < count; i++) await dataSource.undoLastMigration();
    const left: unknown[] = await dataSource.query(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations'",
    );
    expect(left).toEqual([]);

    const applied = await dataSource.runMigrations();
    expect(applied).toHaveLength(count);
  });
});

describe("Every table of the test database, other teams' included", () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(await buildCliDataSourceOptions({ url: process.env.DATABASE_URL! })).initialize();
  });
  afterAll(() => dataSource.destroy());

  it('has a primary key, utf8mb4, and nothing MySQL 8 would refuse', async () => {
    const tables: Array<{ name: string }> = await dataSource.query(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    );
    expect(tables.map(({ name }) => name)).toContain('notes');
    expect(await tableProblems(dataSource)).toEqual([]);
    expect(await mysql8Problems(dataSource)).toEqual([]);
  });
});

/** The check itself, on tables MariaDB takes and MySQL 8 refuses: it must name each. */
describe('The MySQL 8 check', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await scratchDatabase('mysql8');
    drop = scratch.drop;
    dataSource = await new DataSource({ type: 'mysql', url: scratch.url, poolSize: 1 }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await drop();
  });

  it('names a long unique key that MariaDB turned into USING HASH, a MariaDB-only type, a table with no primary key, and latin1', async () => {
    await dataSource.query(
      `CREATE TABLE links (id int UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int UNSIGNED NOT NULL, url varchar(2048) NOT NULL,
         UNIQUE KEY UQ_links_user_url (user_id, url)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await dataSource.query('CREATE TABLE devices (id int UNSIGNED NOT NULL PRIMARY KEY, serial uuid NOT NULL) DEFAULT CHARSET=utf8mb4');
    await dataSource.query('CREATE TABLE legacy (name varchar(10) NOT NULL) DEFAULT CHARSET=latin1');

    expect(await mysql8Problems(dataSource)).toEqual([
      'devices.serial: type uuid does not exist on MySQL 8',
      'links.UQ_links_user_url: UNIQUE USING HASH, which InnoDB on MySQL 8 cannot build',
      "links.UQ_links_user_url: a key of 8196 bytes, over InnoDB's 3072",
    ]);
    expect(await tableProblems(dataSource)).toEqual(['legacy: no primary key', 'legacy: collation latin1_swedish_ci, not utf8mb4']);
  });
});
