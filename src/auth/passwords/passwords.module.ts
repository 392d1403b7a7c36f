import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { LinksModule } from '../links/links.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { AccessTokensModule } from '../tokens/access-tokens.module';
import { PasswordChangesService } from './password-changes.service';
import { PasswordConfirmationService } from './password-confirmation.service';
import { PasswordHasher } from './password-hasher';
import { PasswordWorkLimiter } from './password-work-limiter';

@Module({
  imports: [UsersModule, ThrottlingModule, LinksModule, AccessTokensModule],
  providers: [PasswordWorkLimiter, PasswordHasher, PasswordConfirmationService, PasswordChangesService],
  exports: [PasswordHasher, PasswordConfirmationService, PasswordChangesService],
})
export class PasswordsModule {}
