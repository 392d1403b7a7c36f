import 'reflect-metadata';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import pino, { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { createRootLogger } from './common/logging/root-logger';
import { databaseConfig, loggingConfig } from './config/app.config';
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

async function run(dataSource: DataSource, logger: Logger): Promise<void> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length === 0) logger.info({ event: 'migrations.none_pending' }, 'Nothing pending');
  // `migration`, not `name`: pino's readable format takes a `name` for the logger's own.
  for (const { name } of applied) logger.info({ event: 'migration.applied', migration: name });
}

async function revert(dataSource: DataSource, logger: Logger): Promise<void> {
  const [last] = await dataSource.query<Array<{ name: string }>>('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
  if (!last) {
    logger.info({ event: 'migrations.none_applied' }, 'None applied, nothing to revert');
    return;
  }
  await dataSource.undoLastMigration({ transaction: 'each' });
  logger.info({ event: 'migration.reverted', migration: last.name });
}

/**
 * The entities' difference from the schema as a migration. Refused while
 * migrations are pending: it would also hold every change they make.
 * Exit code 1 when there is nothing to generate.
 */
async function generate(dataSource: DataSource, logger: Logger, args: string[]): Promise<boolean> {
  const [moduleName, name] = args.length >= 2 ? args : ['database', args[0]];
  if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`a migration’s name is PascalCase\n${USAGE}`);
  const moduleFolder = join(SOURCE_ROOT, moduleName);
  if (!/^[a-z][a-z0-9-]*$/.test(moduleName) || !existsSync(moduleFolder)) throw new Error(`src/${moduleName}/ is no module folder`);
  if (await dataSource.showMigrations()) {
    throw new Error('migrations are pending on this database: run `npm run migration:run` first, or the new one would repeat them');
  }
  const { upQueries, downQueries } = await dataSource.driver.createSchemaBuilder().log();
  if (upQueries.length === 0) {
    logger.info({ event: 'migrations.none_to_generate' }, 'No changes in database schema were found');
    return false;
  }
  const timestamp = Date.now();
  const source = migrationSource(name, timestamp, upQueries, downQueries);
  mkdirSync(join(moduleFolder, 'migrations'), { recursive: true });
  const file = join(moduleFolder, 'migrations', `${timestamp}-${name}.ts`);
  writeFileSync(file, source);
  logger.info({ event: 'migration.written', file: relative(join(SOURCE_ROOT, '..'), file), statementsUp: upQueries.length });
  return true;
}

async function main([command, ...args]: string[]): Promise<number> {
  if (!['run', 'revert', 'generate'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  // The CLI's own connection: migrations run here, never again at its start.
  const environment = loadEnvironment({ DATABASE_MIGRATE_ON_START: 'false' });
  // Written synchronously: the process exits as soon as the command is done.
  const logger = createRootLogger(loggingConfig.fromEnvironment(environment), pino.destination({ dest: 1, sync: true }));
  const dataSource = new DataSource(await buildCliDataSourceOptions(databaseConfig.fromEnvironment(environment)));
  await dataSource.initialize();
  try {
    if (command === 'run') await run(dataSource, logger);
    if (command === 'revert') await revert(dataSource, logger);
    if (command === 'generate') return (await generate(dataSource, logger, args)) ? 0 : 1;
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
