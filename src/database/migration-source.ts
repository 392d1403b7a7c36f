/** What every table of the service is made with; TypeORM's schema builder writes the engine alone. */
export const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

export interface SchemaQuery {
  query: string;
  parameters?: unknown[];
}

function statement({ query, parameters }: SchemaQuery): string {
  const sql = /^CREATE TABLE /.test(query) ? query.replace(/ ENGINE=InnoDB$/, ` ${TABLE_OPTIONS}`) : query;
  const values = parameters?.length ? `, ${JSON.stringify(parameters)}` : '';
  return `    await queryRunner.query(${JSON.stringify(sql)}${values});`;
}

/**
 * The source of a migration from the schema builder's queries: `up` in their
 * order, `down` undoing them last first, a new table with the service's table
 * options. Prettier formats it once written.
 */
export function migrationSource(name: string, timestamp: number, up: SchemaQuery[], down: SchemaQuery[]): string {
  return `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${up.map(statement).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${[...down].reverse().map(statement).join('\n')}
  }
}
`;
}
