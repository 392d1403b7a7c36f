import type { DataSource } from 'typeorm';

/** InnoDB's longest index key with the DYNAMIC row format, on MySQL 8 as on MariaDB. */
export const MAX_INDEX_KEY_BYTES = 3072;

/** MySQL 8's data types. MariaDB has more (uuid, inet4, inet6, vector...) that MySQL 8 refuses. */
const MYSQL8_TYPES = new Set(
  [
    'tinyint smallint mediumint int bigint decimal float double bit',
    'char varchar binary varbinary tinytext text mediumtext longtext tinyblob blob mediumblob longblob enum set json',
    'date datetime timestamp time year',
    'geometry point linestring polygon multipoint multilinestring multipolygon geometrycollection',
  ]
    .join(' ')
    .split(' '),
);

const FIXED_BYTES: Record<string, number> = {
  tinyint: 1,
  smallint: 2,
  mediumint: 3,
  int: 4,
  bigint: 8,
  float: 4,
  double: 8,
  date: 3,
  year: 1,
  datetime: 8,
  timestamp: 7,
  time: 6,
};

interface IndexColumnRow {
  tableName: string;
  indexName: string;
  indexType: string;
  nonUnique: number | string;
  columnName: string;
  subPart: number | string | null;
  dataType: string;
  maxLength: number | string | null;
  maxBytesPerChar: number | string | null;
}

/** Bytes the column takes in an index key: a prefix or the whole width, times the charset's widest character. */
function keyBytes(row: IndexColumnRow): number {
  const fixed = FIXED_BYTES[row.dataType];
  if (fixed !== undefined) return fixed;
  const characters = Number(row.subPart ?? row.maxLength ?? 0);
  return characters * Number(row.maxBytesPerChar ?? 1);
}

/**
 * What MySQL 8 would refuse in the schema of the database `db` is connected
 * to, though MariaDB took it: MariaDB silently turns a unique key too long
 * for InnoDB into `UNIQUE ... USING HASH`, which MySQL 8 cannot build, and has
 * column types MySQL 8 lacks. One line per problem; none when all is well.
 */
export async function mysql8Problems(db: DataSource): Promise<string[]> {
  const columns: Array<{ tableName: string; columnName: string; dataType: string }> = await db.query(
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS columnName, DATA_TYPE AS dataType
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  const problems = columns
    .filter(({ dataType }) => !MYSQL8_TYPES.has(dataType.toLowerCase()))
    .map(({ tableName, columnName, dataType }) => `${tableName}.${columnName}: type ${dataType} does not exist on MySQL 8`);

  const indexColumns: IndexColumnRow[] = await db.query(
    `SELECT s.TABLE_NAME AS tableName, s.INDEX_NAME AS indexName, s.INDEX_TYPE AS indexType, s.NON_UNIQUE AS nonUnique,
            s.COLUMN_NAME AS columnName, s.SUB_PART AS subPart, c.DATA_TYPE AS dataType,
            c.CHARACTER_MAXIMUM_LENGTH AS maxLength, cs.MAXLEN AS maxBytesPerChar
     FROM information_schema.STATISTICS s
     JOIN information_schema.COLUMNS c
       ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
     LEFT JOIN information_schema.CHARACTER_SETS cs ON cs.CHARACTER_SET_NAME = c.CHARACTER_SET_NAME
     WHERE s.TABLE_SCHEMA = DATABASE()
     ORDER BY s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX`,
  );
  const indexes = new Map<string, IndexColumnRow[]>();
  for (const row of indexColumns) {
    const key = `${row.tableName}.${row.indexName}`;
    indexes.set(key, [...(indexes.get(key) ?? []), row]);
  }
  for (const [name, rows] of indexes) {
    if (rows[0].indexType.toUpperCase() === 'HASH') {
      problems.push(`${name}: ${Number(rows[0].nonUnique) === 0 ? 'UNIQUE ' : ''}USING HASH, which InnoDB on MySQL 8 cannot build`);
    }
    const bytes = rows.reduce((sum, row) => sum + keyBytes(row), 0);
    if (bytes > MAX_INDEX_KEY_BYTES) problems.push(`${name}: a key of ${bytes} bytes, over InnoDB's ${MAX_INDEX_KEY_BYTES}`);
  }
  return problems;
}

/** Tables without a primary key, or whose default collation is not utf8mb4. */
export async function tableProblems(db: DataSource): Promise<string[]> {
  const tables: Array<{ name: string; collation: string; primaryKeys: number | string }> = await db.query(
    `SELECT t.TABLE_NAME AS name, t.TABLE_COLLATION AS collation,
            (SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS k
             WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME AND k.CONSTRAINT_TYPE = 'PRIMARY KEY') AS primaryKeys
     FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = DATABASE() ORDER BY t.TABLE_NAME`,
  );
  return tables.flatMap(({ name, collation, primaryKeys }) => [
    ...(Number(primaryKeys) === 0 ? [`${name}: no primary key`] : []),
    ...(collation.startsWith('utf8mb4_') ? [] : [`${name}: collation ${collation}, not utf8mb4`]),
  ]);
}
