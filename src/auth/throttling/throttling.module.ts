import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttemptThrottle } from './attempt-throttle.service';
import { ThrottleCounter } from './throttle-counter.entity';
import { ThrottleCountersRepository } from './throttle-counters.repository';

@Module({
  imports: [TypeOrmModule.forFeature([ThrottleCounter])],
  providers: [ThrottleCountersRepository, AttemptThrottle],
  exports: [AttemptThrottle],
})
export class ThrottlingModule {}
