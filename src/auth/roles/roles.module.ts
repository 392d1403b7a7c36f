import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { AccessTokensModule } from '../tokens/access-tokens.module';
import { RoleChanges } from './role-changes.service';

@Module({
  imports: [UsersModule, AccessTokensModule],
  providers: [RoleChanges],
  exports: [RoleChanges],
})
export class RolesModule {}
