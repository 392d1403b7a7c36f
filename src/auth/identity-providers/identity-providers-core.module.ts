import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../mail/mail.module';
import { UsersModule } from '../../users/users.module';
import { LinksModule } from '../links/links.module';
import { SecurityEventsModule } from '../security-events/security-events.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { IdentitiesRepository } from './identities.repository';
import { IdentitiesService } from './identities.service';
import { IdentityProviderClients } from './identity-provider-clients';
import { Identity } from './identity.entity';
import { IdentityMails } from './identity.mails';
import { ProviderAccounts } from './provider-accounts';
import { ProviderFlow } from './provider-flow.entity';
import { ProviderFlows } from './provider-flows';
import { ProviderFlowsRepository } from './provider-flows.repository';
import { SignInMethods } from './sign-in-methods';

/** Sign-in with external identity providers: the relying parties, the flows, the identities and the linking rules. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Identity, ProviderFlow]),
    UsersModule,
    MailModule,
    LinksModule,
    ThrottlingModule,
    SecurityEventsModule,
  ],
  providers: [
    IdentitiesRepository,
    IdentitiesService,
    IdentityMails,
    IdentityProviderClients,
    ProviderAccounts,
    ProviderFlowsRepository,
    ProviderFlows,
    SignInMethods,
  ],
  exports: [IdentitiesService, IdentityProviderClients, ProviderAccounts, ProviderFlows, SignInMethods],
})
export class IdentityProvidersCoreModule {}
