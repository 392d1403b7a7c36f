import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BearerAuthGuard } from './bearer-auth.guard';
import { PasswordsModule } from './passwords/passwords.module';
import { AccessTokensModule } from './tokens/access-tokens.module';

@Module({
  imports: [UsersModule, PasswordsModule, AccessTokensModule],
  controllers: [AuthController],
  providers: [AuthService, { provide: APP_GUARD, useClass: BearerAuthGuard }],
})
export class AuthModule {}
