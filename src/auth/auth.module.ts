import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AccessTokenGuard } from './access-token.guard';
import { CsrfTokens } from './cookies/csrf-tokens';
import { SessionCookies } from './cookies/session-cookies';
import { PasswordsModule } from './passwords/passwords.module';
import { ThrottlingModule } from './throttling/throttling.module';
import { AccessTokensModule } from './tokens/access-tokens.module';

@Module({
  imports: [UsersModule, PasswordsModule, AccessTokensModule, ThrottlingModule],
  controllers: [AuthController],
  providers: [AuthService, CsrfTokens, SessionCookies, { provide: APP_GUARD, useClass: AccessTokenGuard }],
})
export class AuthModule {}
