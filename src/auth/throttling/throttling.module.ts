import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttemptThrottle } from './attempt-throttle.service';
import { BearerSecretAttempts } from './bearer-secret-attempts';
import { ThrottleCounter } from './throttle-counter.entity';
import { ThrottleCountersRepository } from './throttle-counters.repository';

@Module({
  imports: [TypeOrmModule.forFeature([ThrottleCounter])],
  providers: [ThrottleCountersRepository, AttemptThrottle, BearerSecretAttempts],
  exports: [AttemptThrottle, BearerSecretAttempts],
})
export class ThrottlingModule {}
