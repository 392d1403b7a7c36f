import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  generateRegistrationOptions,
  PublicKeyCredentialCreationOptionsJSON,
  VerifiedRegistrationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { randomBytes } from 'node:crypto';
import { isDuplicateEntryError } from '../../common/errors/database-errors';
import { DomainError } from '../../common/errors/domain-error';
import type { RequestClient } from '../../common/http/request-client.decorator';
import { Clock } from '../../common/time/clock';
import { webAuthnConfig, WebAuthnConfig } from '../../config/app.config';
import { UnitOfWork } from '../../database/unit-of-work';
import { Outbox } from '../../mail/outbox';
import { UsersService } from '../../users/users.service';
import type { AuthContext, AuthenticatedUser } from '../authenticated-user';
import { SecondFactorService } from '../mfa/second-factor.service';
import { PasswordConfirmationService } from '../passwords/password-confirmation.service';
import { SecurityEventLog } from '../security-events/security-event-log';
import { AccessTokenRevoker } from '../tokens/access-token.revoker';
import { defaultPasskeyName } from './passkey-names';
import { answeredChallenge, asRegistrationResponse } from './passkey-response';
import { Passkey } from './passkey.entity';
import { MAX_PASSKEYS_PER_USER, PasskeyErrors } from './passkey.errors';
import { SignInMethods } from '../identity-providers/sign-in-methods';
import { PasskeyMails } from './passkey.mails';
import { PasskeysRepository } from './passkeys.repository';
import { WEBAUTHN_CHALLENGE_TTL_SECONDS, WebAuthnChallenges } from './webauthn-challenges';

const USER_HANDLE_BYTES = 32;

/**
 * A signed-in user's passkeys: registering one (options, then the
 * browser's response), listing and removing them. Passkeys are created
 * discoverable and user-verified, so that one alone is a login with two
 * factors (the device, and the PIN or biometric that unlocks it). So adding
 * one is guarded as turning MFA off is: the current password, and a code when
 * MFA is on (the routes add a verified email and a session token).
 */
@Injectable()
export class PasskeysService {
  private readonly logger = new Logger(PasskeysService.name);

  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly challenges: WebAuthnChallenges,
    private readonly users: UsersService,
    private readonly confirmation: PasswordConfirmationService,
    private readonly secondFactor: SecondFactorService,
    private readonly tokens: AccessTokenRevoker,
    private readonly outbox: Outbox,
    private readonly mails: PasskeyMails,
    private readonly events: SecurityEventLog,
    private readonly signInMethods: SignInMethods,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(webAuthnConfig.KEY) private readonly config: WebAuthnConfig,
  ) {}

  /**
   * Options for the browser's `navigator.credentials.create()`, the user's
   * passkeys excluded (one per authenticator), once the current password
   * (and, with MFA on, a code) proves that the caller is the user and not
   * only holds their token: 403 INVALID_CURRENT_PASSWORD or INVALID_MFA_CODE
   * otherwise, each counted as a failed login.
   */
  async registrationOptions(
    session: AuthContext,
    currentPassword: string | undefined,
    code: string | undefined,
    client: RequestClient,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { user } = session;
    await this.confirmation.confirm(session, currentPassword, client.ip, () =>
      this.secondFactor.withCodeIfEnabled(user, code, { client }, () => Promise.resolve()),
    );
    const existing = await this.passkeys.listOf(user.id);
    // One handle per user, so that an authenticator holds one passkey of the account, as WebAuthn intends.
    const userHandle = existing[0]?.userHandle ?? randomBytes(USER_HANDLE_BYTES);
    const options = await generateRegistrationOptions({
      rpName: this.config.rpName,
      rpID: this.config.rpId,
      userName: user.email,
      userDisplayName: user.email,
      userID: new Uint8Array(userHandle),
      timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({
        id: passkey.credentialId.toString('base64url'),
        transports: passkey.transports === '' ? undefined : passkey.transports.split(','),
      })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    await this.challenges.remember(options.challenge, { ceremony: 'registration', userId: user.id, userHandle });
    return options;
  }

  /**
   * Verifies the browser's answer to the user's last registration options
   * and stores the passkey. 400 PASSKEY_INVALID for a response malformed,
   * for another challenge (or one used or expired), origin or RP ID, without
   * user verification, or of a passkey already registered.
   */
  async register(session: AuthContext, response: unknown, name: string | undefined, client: RequestClient): Promise<Passkey> {
    const { user } = session;
    const parsed = asRegistrationResponse(response);
    const challenge = parsed ? answeredChallenge(parsed) : null;
    if (!parsed || !challenge) throw this.refused(user.id, 'malformed');
    const issued = await this.challenges.take(challenge, 'registration', user.id);
    if (!issued?.userHandle) throw this.refused(user.id, 'challenge unknown, used or expired');
    let verification: VerifiedRegistrationResponse;
    try {
      verification = await verifyRegistrationResponse({
        response: parsed,
        expectedChallenge: challenge,
        expectedOrigin: this.config.origins,
        expectedRPID: this.config.rpId,
        requireUserVerification: true,
      });
    } catch (error) {
      throw this.refused(user.id, (error as Error).message);
    }
    if (!verification.verified) throw this.refused(user.id, 'attestation not verified');
    const { credential, aaguid } = verification.registrationInfo;
    // The id the browser named must be the one the authenticator signed into its data.
    if (credential.id !== parsed.id) throw this.refused(user.id, 'credential id differs from the authenticator data');
    const passkey = await this.store(session, {
      userId: user.id,
      credentialId: Buffer.from(credential.id, 'base64url'),
      publicKey: Buffer.from(credential.publicKey),
      userHandle: issued.userHandle,
      signCount: credential.counter,
      transports: (parsed.response.transports ?? []).join(','),
      name: name ?? defaultPasskeyName(aaguid),
      createdAt: this.clock.now(),
    });
    this.events.record('passkey.added', user.id, { client }, { passkeyId: passkey.id });
    return passkey;
  }

  /**
   * Stores it with its notice, the user locked while their passkeys are
   * counted (parallel registrations cannot pass the cap), and only while the
   * session that asked still exists: a reset that ended it meanwhile leaves no
   * passkey of that session behind.
   */
  private async store(session: AuthContext, passkey: Parameters<PasskeysRepository['insert']>[0]): Promise<Passkey> {
    const { user } = session;
    try {
      return await this.unitOfWork.run(async (transaction) => {
        const owner = await this.users.lockById(user.id, transaction);
        await this.tokens.assertSessionLive(session.tokenId, transaction);
        if ((await this.passkeys.countOf(user.id, transaction)) >= MAX_PASSKEYS_PER_USER) {
          throw new DomainError(PasskeyErrors.PASSKEY_LIMIT_REACHED);
        }
        const stored = await this.passkeys.insert(passkey, transaction);
        await this.outbox.enqueue(this.mails.addedNotice(owner.email, stored.name), transaction);
        return stored;
      });
    } catch (error) {
      if (isDuplicateEntryError(error)) throw this.refused(user.id, 'credential already registered');
      throw error;
    }
  }

  list(userId: number): Promise<Passkey[]> {
    return this.passkeys.listOf(userId);
  }

  /**
   * Removes one of the user's passkeys: 404 for an id that is not one
   * (another user's included); 409 LAST_SIGN_IN_METHOD for the last way in of
   * an account without a password.
   */
  async remove(user: AuthenticatedUser, id: number, client: RequestClient): Promise<void> {
    const removed = await this.unitOfWork.run(async (transaction) => {
      const owner = await this.users.lockById(user.id, transaction);
      const passkey = await this.passkeys.findOwned(user.id, id, transaction);
      if (!passkey) throw new DomainError('NOT_FOUND', 'No such passkey');
      await this.signInMethods.assertOneRemains(user.id, { passkeyId: id }, transaction);
      await this.passkeys.delete(user.id, id, transaction);
      // A login with this passkey still in flight takes its token back.
      await this.users.bumpCredentialVersion(user.id, transaction);
      await this.outbox.enqueue(this.mails.removedNotice(owner.email, passkey.name), transaction);
      return passkey;
    });
    this.events.record('passkey.removed', user.id, { client }, { passkeyId: removed.id });
  }

  private refused(userId: number, reason: string): DomainError {
    this.logger.log({ event: 'passkey.registration_refused', userId, reason });
    return new DomainError('PASSKEY_INVALID');
  }
}
