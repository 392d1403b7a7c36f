import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenCache } from './access-token.cache';
import { AccessToken } from './access-token.entity';
import { AccessTokenService } from './access-token.service';
import { AccessTokensRepository } from './access-tokens.repository';
import { ExpiredTokenPruner } from './expired-token-pruner';
import { TokenUsageRecorder } from './token-usage.recorder';

@Module({
  imports: [TypeOrmModule.forFeature([AccessToken])],
  providers: [AccessTokensRepository, AccessTokenCache, AccessTokenService, TokenUsageRecorder, ExpiredTokenPruner],
  exports: [AccessTokenService],
})
export class AccessTokensModule {}
