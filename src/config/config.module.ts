import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { authConfig, databaseConfig, httpConfig, loggingConfig, sessionConfig, throttlingConfig } from './app.config';

/**
 * Typed, namespaced configuration. Each namespace validates the environment
 * when the application is created; main.ts has already loaded `.env` and
 * refused to start on a bad value with a message naming the variable.
 */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [databaseConfig, authConfig, httpConfig, sessionConfig, throttlingConfig, loggingConfig],
    }),
  ],
})
export class AppConfigModule {}
