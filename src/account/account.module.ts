import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/internal';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { AccountMails } from './account.mails';
import { AccountService } from './account.service';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';

/** An account's lifecycle: registration and the proof of its address, `/users/me`, the email change, deletion. */
@Module({
  imports: [UsersModule, AuthModule, MailModule],
  controllers: [RegistrationController, AccountController],
  providers: [RegistrationService, AccountService, AccountMails],
})
export class AccountModule {}
