import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { LinkAttempts } from './link-attempts';
import { LinkToken } from './link-token.entity';
import { LinkTokensRepository } from './link-tokens.repository';
import { LinkTokens } from './link-tokens.service';

// UsersModule brings the `users` table that links reference.
@Module({
  imports: [TypeOrmModule.forFeature([LinkToken]), UsersModule],
  providers: [LinkTokensRepository, LinkAttempts, LinkTokens],
  exports: [LinkTokens],
})
export class LinksModule {}
