import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from './auth/auth.module';
import { HttpPipelineModule } from './common/http/http-pipeline.module';
import { LoggingModule } from './common/logging/logging.module';
import { ClockModule } from './common/time/clock.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ApiDocsModule } from './docs/api-docs.module';
import { HealthModule } from './health/health.module';
import { UsersModule } from './users/users.module';

// LoggingModule first: its request logger is the first middleware, so even refused requests are logged.
@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    ClockModule,
    ScheduleModule.forRoot(),
    DatabaseModule,
    HttpPipelineModule,
    UsersModule,
    AuthModule,
    HealthModule,
    ApiDocsModule,
  ],
})
export class AppModule {}
