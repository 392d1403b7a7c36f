import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecurityEvent } from './security-event.entity';
import { SecurityEventLog } from './security-event-log';
import { SecurityEventsRepository } from './security-events.repository';
import { SecurityEventPages } from './security-event-pages';
import { SecurityEventsPruningStep } from './security-events.pruning-step';
import { PaginationModule } from '../../common/pagination/pagination.module';

@Module({
  imports: [TypeOrmModule.forFeature([SecurityEvent]), PaginationModule],
  providers: [SecurityEventsRepository, SecurityEventLog, SecurityEventPages, SecurityEventsPruningStep],
  exports: [SecurityEventLog, SecurityEventsRepository, SecurityEventPages],
})
export class SecurityEventsModule {}
