import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { WebAuthnChallenge } from './webauthn-challenge.entity';
import { WebAuthnChallengesRepository } from './webauthn-challenges.repository';

/** The challenges table alone: what the pruning of dead tokens needs, without the rest of passkeys. */
@Module({
  imports: [TypeOrmModule.forFeature([WebAuthnChallenge]), UsersModule],
  providers: [WebAuthnChallengesRepository],
  exports: [WebAuthnChallengesRepository],
})
export class WebAuthnChallengeStoreModule {}
