import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { HttpPipelineModule } from './common/http/http-pipeline.module';
import { ClockModule } from './common/time/clock.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [AppConfigModule, ClockModule, DatabaseModule, HttpPipelineModule, UsersModule, AuthModule, HealthModule],
})
export class AppModule {}
