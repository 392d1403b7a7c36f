import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../mail/mail.module';
import { UsersModule } from '../../users/users.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { LinkToken } from './link-token.entity';
import { LinkTokensRepository } from './link-tokens.repository';
import { LinkTokensService } from './link-tokens.service';
import { VerificationMailer } from './verification-mailer';

// UsersModule brings the `users` table that links reference.
@Module({
  imports: [TypeOrmModule.forFeature([LinkToken]), UsersModule, ThrottlingModule, MailModule],
  providers: [LinkTokensRepository, LinkTokensService, VerificationMailer],
  exports: [LinkTokensService, VerificationMailer],
})
export class LinksModule {}
