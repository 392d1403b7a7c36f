import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { TwoFactorController } from './two-factor.controller';
import { TwoFactorService } from './two-factor.service';

/** A user's own second factor: TOTP enrolment, turning it off, recovery codes (`/auth/mfa/*`; the login's step is in login/). */
@Module({
  imports: [UsersModule, AuthModule, MailModule],
  controllers: [TwoFactorController],
  providers: [TwoFactorService],
})
export class TwoFactorModule {}
