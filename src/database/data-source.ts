import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

// The TypeORM CLI's data source (migration:run, revert, generate). The npm
// scripts provision the local server and set DATABASE_URL when it is unset.
const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('DATABASE_URL is not set: run this through the npm scripts, or set it');
}

export default new DataSource(buildDataSourceOptions({ url, poolSize: 2, migrateOnStart: false }));
