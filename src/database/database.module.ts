import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';
import { databaseConfig, DatabaseConfig } from '../config/app.config';
import { buildDataSourceOptions } from './data-source-options';
import { DeadRowPruner } from './dead-row.pruner';
import { ReadReplicas } from './replicas/read-replicas';
import { ReplicaHeartbeat } from './replicas/replica-heartbeat.entity';
import { ReplicaHeartbeatsPruningStep } from './replicas/replica-heartbeats.pruning-step';
import { ReplicaHeartbeatsRepository } from './replicas/replica-heartbeats.repository';
import { UnitOfWork } from './unit-of-work';

/**
 * Pending migrations run first, on a connection of their own without the
 * query timeout: a long ALTER must not be cut off at DATABASE_QUERY_TIMEOUT_MS.
 */
async function migratedDataSource(options: DataSourceOptions): Promise<DataSource> {
  const mysqlOptions = options as MysqlDataSourceOptions;
  if (mysqlOptions.migrationsRun) {
    const migrator = new DataSource({ ...mysqlOptions, enableQueryTimeout: false, poolSize: 1 });
    await migrator.initialize();
    await migrator.destroy();
  }
  return new DataSource({ ...mysqlOptions, migrationsRun: false }).initialize();
}

/**
 * The connection, for every module (global, like the TypeORM repositories it
 * serves), the unit of work, the pruning of dead rows, and the read replicas.
 */
@Global()
@Module({
  providers: [UnitOfWork, DeadRowPruner, ReadReplicas, ReplicaHeartbeatsRepository, ReplicaHeartbeatsPruningStep],
  exports: [UnitOfWork, DeadRowPruner, ReadReplicas],
  imports: [
    DiscoveryModule,
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (config: DatabaseConfig) => ({
        ...buildDataSourceOptions(config),
        // Each module registers its own entities with TypeOrmModule.forFeature: no central list.
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
      dataSourceFactory: async (options) => migratedDataSource(options!),
    }),
    TypeOrmModule.forFeature([ReplicaHeartbeat]),
  ],
})
export class DatabaseModule {}
