import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { LinksModule } from '../links/links.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { MfaChallengeStoreModule } from '../mfa/mfa-challenge-store.module';
import { WebAuthnChallengeStoreModule } from '../passkeys/webauthn-challenge-store.module';
import { SecurityEventsModule } from '../security-events/security-events.module';
import { AccessTokenCache } from './access-token.cache';
import { AccessToken } from './access-token.entity';
import { AccessTokenService } from './access-token.service';
import { AccessTokensRepository } from './access-tokens.repository';
import { DeadTokenPruner } from './dead-token.pruner';
import { PersonalTokens } from './personal-tokens.service';
import { RevocationFeed } from './revocation-feed';
import { TokenRevocation } from './token-revocation.entity';
import { TokenRevocationsRepository } from './token-revocations.repository';
import { TokenUsageRecorder } from './token-usage.recorder';

// UsersModule brings the `users` table that tokens reference and the guard's lookup joins.
@Module({
  imports: [
    TypeOrmModule.forFeature([AccessToken, TokenRevocation]),
    UsersModule,
    LinksModule,
    MfaChallengeStoreModule,
    WebAuthnChallengeStoreModule,
    SecurityEventsModule,
    ThrottlingModule,
  ],
  providers: [
    AccessTokensRepository,
    TokenRevocationsRepository,
    AccessTokenCache,
    RevocationFeed,
    AccessTokenService,
    PersonalTokens,
    TokenUsageRecorder,
    DeadTokenPruner,
  ],
  exports: [AccessTokenService, PersonalTokens, DeadTokenPruner],
})
export class AccessTokensModule {}
