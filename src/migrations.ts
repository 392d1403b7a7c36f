import 'reflect-metadata';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DataSource } from 'typeorm';
import { databaseConfig } from './config/app.config';
import { loadEnvironment } from './config/environment';
import { buildCliDataSourceOptions } from './database/data-source-options';
import { migrationSource } from './database/migration-source';

const USAGE = `usage:
  npm run migration:run                       applies every pending migration, naming each
  npm run migration:revert                    reverts the last one applied, naming it
  npm run migration:generate -- <Name>        writes src/database/migrations/<timestamp>-<Name>.ts
  npm run migration:generate -- <module> <Name>
                                              writes src/<module>/migrations/<timestamp>-<Name>.ts`;

const SOURCE_ROOT = join(__dirname, '..', 'src');

async function run(dataSource: DataSource): Promise<void> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length === 0) console.log('migrations: nothing pending');
  for (const migration of applied) console.log(`migrations: applied ${migration.name}`);
}

async function revert(dataSource: DataSource): Promise<void> {
  const [last] = await dataSource.query<Array<{ name: string }>>('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
  if (!last) {
    console.log('migrations: none applied, nothing to revert');
    return;
  }
  await dataSource.undoLastMigration({ transaction: 'each' });
  console.log(`migrations: reverted ${last.name}`);
}

/**
 * The entities' difference from the schema as a migration. Refused while
 * migrations are pending: it would also hold every change they make.
 * Exit code 1 when there is nothing to generate.
 */
async function generate(dataSource: DataSource, args: string[]): Promise<boolean> {
  const [moduleName, name] = args.length >= 2 ? args : ['database', args[0]];
  if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`a migration’s name is PascalCase\n${USAGE}`);
  const moduleFolder = join(SOURCE_ROOT, moduleName);
  if (!/^[a-z][a-z0-9-]*$/.test(moduleName) || !existsSync(moduleFolder)) throw new Error(`src/${moduleName}/ is no module folder`);
  if (await dataSource.showMigrations()) {
    throw new Error('migrations are pending on this database: run `npm run migration:run` first, or the new one would repeat them');
  }
  const { upQueries, downQueries } = await dataSource.driver.createSchemaBuilder().log();
  if (upQueries.length === 0) {
    console.log('No changes in database schema were found');
    return false;
  }
  const timestamp = Date.now();
  const source = migrationSource(name, timestamp, upQueries, downQueries);
  mkdirSync(join(moduleFolder, 'migrations'), { recursive: true });
  const file = join(moduleFolder, 'migrations', `${timestamp}-${name}.ts`);
  writeFileSync(file, source);
  console.log(`migrations: wrote ${relative(join(SOURCE_ROOT, '..'), file)} (${upQueries.length} statements up)`);
  return true;
}

async function main([command, ...args]: string[]): Promise<number> {
  if (!['run', 'revert', 'generate'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  // The CLI's own connection: migrations run here, never again at its start.
  const environment = loadEnvironment({ DATABASE_MIGRATE_ON_START: 'false' });
  const dataSource = new DataSource(await buildCliDataSourceOptions(databaseConfig.fromEnvironment(environment)));
  await dataSource.initialize();
  try {
    if (command === 'run') await run(dataSource);
    if (command === 'revert') await revert(dataSource);
    if (command === 'generate') return (await generate(dataSource, args)) ? 0 : 1;
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`migrations: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
