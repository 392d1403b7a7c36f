import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { AccessTokensModule } from '../tokens/access-tokens.module';
import { AccountStanding } from './account-standing.service';

@Module({
  imports: [UsersModule, AccessTokensModule],
  providers: [AccountStanding],
  exports: [AccountStanding],
})
export class RolesModule {}
