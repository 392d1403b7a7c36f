import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../mail/mail.module';
import { UsersModule } from '../../users/users.module';
import { SecurityEventsModule } from '../security-events/security-events.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { MfaChallengeStoreModule } from './mfa-challenge-store.module';
import { MfaChallengesService } from './mfa-challenges.service';
import { MfaKeysCheck } from './mfa-keys.check';
import { MfaMails } from './mfa.mails';
import { MfaSecretCipher } from './mfa-secret.cipher';
import { RecoveryCode } from './recovery-code.entity';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { SecondFactorService } from './second-factor.service';
import { TotpFactor } from './totp-factor.entity';
import { TotpFactorsRepository } from './totp-factors.repository';

/** The second factor: TOTP secrets (encrypted), recovery codes (hashed), and the challenges of logins waiting for a code. */
@Module({
  imports: [
    TypeOrmModule.forFeature([TotpFactor, RecoveryCode]),
    MfaChallengeStoreModule,
    UsersModule,
    ThrottlingModule,
    MailModule,
    SecurityEventsModule,
  ],
  providers: [
    MfaSecretCipher,
    TotpFactorsRepository,
    RecoveryCodesRepository,
    SecondFactorService,
    MfaChallengesService,
    MfaMails,
    MfaKeysCheck,
  ],
  exports: [SecondFactorService, MfaChallengesService, MfaMails, MfaSecretCipher],
})
export class MfaCoreModule {}
