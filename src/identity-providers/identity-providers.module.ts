import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/internal';
import { UsersModule } from '../users/users.module';
import { IdentitiesController } from './identities.controller';
import { ProviderSignInService } from './provider-sign-in.service';
import { IdentityProvidersController } from './identity-providers.controller';
import { RedirectTargets } from './redirect-targets';

/** Sign-in with external identity providers (OpenID Connect, GitHub), and the identities it links to accounts. */
@Module({
  imports: [UsersModule, AuthModule],
  controllers: [IdentityProvidersController, IdentitiesController],
  providers: [ProviderSignInService, RedirectTargets],
})
export class IdentityProvidersModule {}
