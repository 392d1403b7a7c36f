import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { MfaChallenge } from './mfa-challenge.entity';
import { MfaChallengesRepository } from './mfa-challenges.repository';

/** The challenges table alone, with its pruning step: what `npm run tokens:prune` needs, without the rest of MFA (mail, keys). */
@Module({
  imports: [TypeOrmModule.forFeature([MfaChallenge]), UsersModule],
  providers: [MfaChallengesRepository],
  exports: [MfaChallengesRepository],
})
export class MfaChallengeStoreModule {}
