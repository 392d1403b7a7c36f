import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../mail/mail.module';
import { UsersModule } from '../../users/users.module';
import { MfaModule } from '../mfa/mfa.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { SecurityEventsModule } from '../security-events/security-events.module';
import { AccessTokensModule } from '../tokens/access-tokens.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { PasskeyAssertions } from './passkey-assertions.service';
import { Passkey } from './passkey.entity';
import { PasskeyMails } from './passkey.mails';
import { PasskeysRepository } from './passkeys.repository';
import { Passkeys } from './passkeys.service';
import { WebAuthnChallengeStoreModule } from './webauthn-challenge-store.module';
import { WebAuthnChallenges } from './webauthn-challenges';

/** Passkeys (WebAuthn): the credentials, their registration, and the assertions that log in with them. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Passkey]),
    WebAuthnChallengeStoreModule,
    UsersModule,
    ThrottlingModule,
    MailModule,
    SecurityEventsModule,
    PasswordsModule,
    MfaModule,
    AccessTokensModule,
  ],
  providers: [PasskeysRepository, WebAuthnChallenges, Passkeys, PasskeyAssertions, PasskeyMails],
  exports: [Passkeys, PasskeyAssertions],
})
export class WebAuthnModule {}
