import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AccountModule } from './account/account.module';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/internal';
import { HttpPipelineModule } from './common/http/http-pipeline.module';
import { LoggingModule } from './common/logging/logging.module';
import { ClockModule } from './common/time/clock.module';
import { AppConfigModule } from './config/config.module';
import type { Environment } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { ApiDocsModule } from './docs/api-docs.module';
import { HealthModule } from './health/health.module';
import { LoginModule } from './login/login.module';
import { MailModule } from './mail/mail.module';
import { OAuthModule } from './oauth/oauth.module';
import { AccountPagesModule } from './account-pages/account-pages.module';
import { IdentityProvidersModule } from './identity-providers/identity-providers.module';
import { PasswordResetModule } from './password-reset/password-reset.module';
import { MfaModule } from './mfa/mfa.module';
import { PasskeysModule } from './passkeys/passkeys.module';

// LoggingModule first: its request logger is the first middleware, so even refused requests are logged.
@Module({
  imports: [
    LoggingModule,
    ClockModule,
    ScheduleModule.forRoot(),
    DatabaseModule,
    HttpPipelineModule,
    MailModule,
    AuthModule,
    LoginModule,
    AccountModule,
    PasswordResetModule,
    MfaModule,
    PasskeysModule,
    AdminModule,
    OAuthModule,
    IdentityProvidersModule,
    AccountPagesModule,
    HealthModule,
    ApiDocsModule,
    // Modules of other teams: one line each, below this one (the README's Layout map does not name their folders).
  ],
})
export class AppModule {
  /** The application on an environment its entry point has validated. */
  static withEnvironment(environment: Environment): DynamicModule {
    return { module: AppModule, imports: [AppConfigModule.forEnvironment(environment)] };
  }
}
