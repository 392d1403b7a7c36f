import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { RecoveryController } from './recovery.controller';
import { RecoveryMails } from './recovery.mails';
import { RecoveryService } from './recovery.service';

/** A forgotten password: `/auth/password-reset`. */
@Module({
  imports: [UsersModule, AuthModule, MailModule],
  controllers: [RecoveryController],
  providers: [RecoveryService, RecoveryMails],
})
export class RecoveryModule {}
