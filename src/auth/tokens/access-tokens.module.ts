import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import { AccessTokenCache } from './access-token.cache';
import { AccessToken } from './access-token.entity';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenRevoker } from './access-token.revoker';
import { AccessTokensRepository } from './access-tokens.repository';
import { AccessTokensPruningStep } from './access-tokens.pruning-step';
import { PersonalTokensService } from './personal-tokens.service';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RecentRevocations } from './recent-revocations';
import { RevocationFeed } from './revocation-feed';
import { SessionRefresher } from './session-refresher';
import { TokenRevocation } from './token-revocation.entity';
import { TokenRevocationsPruningStep } from './token-revocations.pruning-step';
import { TokenRevocationsRepository } from './token-revocations.repository';
import { TokenUsageRecorder } from './token-usage.recorder';

// UsersModule brings the `users` table that tokens reference and the guard's lookup joins.
@Module({
  imports: [TypeOrmModule.forFeature([AccessToken, RefreshToken, TokenRevocation]), UsersModule, ThrottlingModule],
  providers: [
    AccessTokensRepository,
    RefreshTokensRepository,
    TokenRevocationsRepository,
    AccessTokenCache,
    RecentRevocations,
    RevocationFeed,
    AccessTokenIssuer,
    AccessTokenAuthenticator,
    AccessTokenRevoker,
    PersonalTokensService,
    SessionRefresher,
    TokenUsageRecorder,
    AccessTokensPruningStep,
    TokenRevocationsPruningStep,
  ],
  exports: [AccessTokenIssuer, AccessTokenAuthenticator, AccessTokenRevoker, PersonalTokensService, SessionRefresher],
})
export class AccessTokensModule {}
