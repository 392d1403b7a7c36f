import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttemptThrottleService } from './attempt-throttle.service';
import { BearerSecretAttempts } from './bearer-secret-attempts';
import { ThrottleCounter } from './throttle-counter.entity';
import { ThrottleCountersRepository } from './throttle-counters.repository';
import { UnknownTokenAttempts } from './unknown-token-attempts';

@Module({
  imports: [TypeOrmModule.forFeature([ThrottleCounter])],
  providers: [ThrottleCountersRepository, AttemptThrottleService, BearerSecretAttempts, UnknownTokenAttempts],
  exports: [AttemptThrottleService, BearerSecretAttempts, UnknownTokenAttempts],
})
export class ThrottlingModule {}
