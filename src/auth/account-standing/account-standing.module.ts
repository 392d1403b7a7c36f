import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { LinksModule } from '../links/links.module';
import { SecurityEventsModule } from '../security-events/security-events.module';
import { AccessTokensModule } from '../tokens/access-tokens.module';
import { AccountStandingService } from './account-standing.service';

@Module({
  imports: [UsersModule, AccessTokensModule, LinksModule, SecurityEventsModule],
  providers: [AccountStandingService],
  exports: [AccountStandingService],
})
export class AccountStandingModule {}
