import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/internal';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { PasswordResetController } from './password-reset.controller';
import { PasswordResetMails } from './password-reset.mails';
import { PasswordResetService } from './password-reset.service';

/** A forgotten password: `/auth/password-reset`. */
@Module({
  imports: [UsersModule, AuthModule, MailModule],
  controllers: [PasswordResetController],
  providers: [PasswordResetService, PasswordResetMails],
})
export class PasswordResetModule {}
