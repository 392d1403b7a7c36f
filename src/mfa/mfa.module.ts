import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/internal';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { MfaController } from './mfa.controller';
import { MfaService } from './mfa.service';

/** A user's own second factor: TOTP enrolment, turning it off, recovery codes (`/auth/mfa/*`; the login's step is in login/). */
@Module({
  imports: [UsersModule, AuthModule, MailModule],
  controllers: [MfaController],
  providers: [MfaService],
})
export class MfaModule {}
