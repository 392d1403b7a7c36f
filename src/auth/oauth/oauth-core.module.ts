import { Module, OnModuleInit } from '@nestjs/common';
import { ErrorBodyExtensions } from '../../common/errors/error-body-extensions';
import { AccessTokensModule } from '../tokens/access-tokens.module';
import { IntrospectionClientAttempts } from './introspection-client-attempts';
import { IntrospectionClients } from './introspection-clients';
import { addOAuthErrorMembers } from './oauth-error-members';
import { TokenIntrospector } from './token-introspector';

/** What OAuth 2.0 adds around the tokens: introspection for resource servers, and the errors of RFC 6749 §5.2. */
@Module({
  imports: [AccessTokensModule],
  providers: [IntrospectionClientAttempts, IntrospectionClients, TokenIntrospector],
  exports: [IntrospectionClients, TokenIntrospector],
})
export class OAuthCoreModule implements OnModuleInit {
  constructor(private readonly errorBodies: ErrorBodyExtensions) {}

  onModuleInit(): void {
    this.errorBodies.add(addOAuthErrorMembers);
  }
}
