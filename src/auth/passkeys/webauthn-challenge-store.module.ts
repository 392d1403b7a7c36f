import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { WebAuthnChallenge } from './webauthn-challenge.entity';
import { WebAuthnChallengesRepository } from './webauthn-challenges.repository';

/** The challenges table alone, with its pruning step: what `npm run tokens:prune` needs, without the rest of passkeys. */
@Module({
  imports: [TypeOrmModule.forFeature([WebAuthnChallenge]), UsersModule],
  providers: [WebAuthnChallengesRepository],
  exports: [WebAuthnChallengesRepository],
})
export class WebAuthnChallengeStoreModule {}
