import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/app.config';
import { loadEnvironment } from '../config/environment';
import { buildCliDataSourceOptions } from './data-source-options';

// The TypeORM CLI's data source (migration:run, revert, generate). The npm
// scripts provision the local server and set DATABASE_URL when it is unset.
export default buildCliDataSourceOptions(databaseConfig.fromEnvironment(loadEnvironment())).then((options) => new DataSource(options));
