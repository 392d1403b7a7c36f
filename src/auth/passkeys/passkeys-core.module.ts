import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../mail/mail.module';
import { UsersModule } from '../../users/users.module';
import { IdentityProvidersCoreModule } from '../identity-providers/identity-providers-core.module';
import { MfaCoreModule } from '../mfa/mfa-core.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { SecurityEventsModule } from '../security-events/security-events.module';
import { AccessTokensModule } from '../tokens/access-tokens.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { PasskeyAssertionsService } from './passkey-assertions.service';
import { Passkey } from './passkey.entity';
import { PasskeyMails } from './passkey.mails';
import { PasskeysRepository } from './passkeys.repository';
import { PasskeysService } from './passkeys.service';
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
    MfaCoreModule,
    AccessTokensModule,
    IdentityProvidersCoreModule,
  ],
  providers: [PasskeysRepository, WebAuthnChallenges, PasskeysService, PasskeyAssertionsService, PasskeyMails],
  exports: [PasskeysService, PasskeyAssertionsService],
})
export class PasskeysCoreModule {}
