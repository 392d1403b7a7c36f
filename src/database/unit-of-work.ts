import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** What repositories run their statements on inside a unit of work; services only hand it on. */
export type Transaction = EntityManager;

/** One database transaction around the writes of one change: all of them land, or none does. */
@Injectable()
export class UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  run<Result>(work: (transaction: Transaction) => Promise<Result>): Promise<Result> {
    return this.dataSource.transaction(work);
  }
}
