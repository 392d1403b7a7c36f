import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { retryingDeadlocks } from '../common/errors/database-errors';

/** What repositories run their statements on inside a unit of work; services only hand it on. */
export type Transaction = EntityManager;

/**
 * One database transaction around the writes of one change: all of them
 * land, or none does. A transaction InnoDB picks as a deadlock's victim is run
 * again (up to three times), so `work` must do nothing outside the
 * transaction that cannot happen twice.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  run<Result>(work: (transaction: Transaction) => Promise<Result>): Promise<Result> {
    return retryingDeadlocks(() => this.dataSource.transaction(work));
  }
}
