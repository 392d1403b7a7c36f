import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { LinkToken } from './link-token.entity';
import { LinkTokensRepository } from './link-tokens.repository';
import { LinkTokensService } from './link-tokens.service';

// UsersModule brings the `users` table that links reference.
@Module({
  imports: [TypeOrmModule.forFeature([LinkToken]), UsersModule, ThrottlingModule],
  providers: [LinkTokensRepository, LinkTokensService],
  exports: [LinkTokensService],
})
export class LinksModule {}
