import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AuthenticationResponseJSON,
  generateAuthenticationOptions,
  PublicKeyCredentialRequestOptionsJSON,
  VerifiedAuthenticationResponse,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import { DomainError } from '../../common/errors/domain-error';
import type { RequestClient } from '../../common/http/request-client.decorator';
import { Clock } from '../../common/time/clock';
import { webAuthnConfig, WebAuthnConfig } from '../../config/app.config';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { SecurityEventLog } from '../security-events/security-event-log';
import { AttemptThrottleService } from '../throttling/attempt-throttle.service';
import { BearerSecretAttempts } from '../throttling/bearer-secret-attempts';
import { answeredChallenge, asAuthenticationResponse, credentialIdBytes } from './passkey-response';
import { Passkey } from './passkey.entity';
import { PasskeysRepository } from './passkeys.repository';
import { WEBAUTHN_CHALLENGE_TTL_SECONDS, WebAuthnChallenges } from './webauthn-challenges';

/**
 * Logins with a passkey: discoverable-credential options (no email asked,
 * none revealed), then the browser's assertion, which names its passkey and
 * so its user. Every refusal is the same 401 INVALID_CREDENTIALS, counted
 * against the client like an unknown link (BearerSecretAttempts).
 */
@Injectable()
export class PasskeyAssertionsService {
  private readonly logger = new Logger(PasskeyAssertionsService.name);

  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly challenges: WebAuthnChallenges,
    private readonly throttle: AttemptThrottleService,
    private readonly failures: BearerSecretAttempts,
    private readonly events: SecurityEventLog,
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(webAuthnConfig.KEY) private readonly config: WebAuthnConfig,
  ) {}

  /** Options for the browser's `navigator.credentials.get()`; each stores a challenge, so they are counted per client. */
  async options(client: RequestClient): Promise<PublicKeyCredentialRequestOptionsJSON> {
    await this.throttle.countPasskeyChallenge(client.ip);
    const options = await generateAuthenticationOptions({
      rpID: this.config.rpId,
      userVerification: 'required',
      timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.challenges.remember(options.challenge, { ceremony: 'authentication', userId: null, userHandle: null });
    return options;
  }

  /**
   * The user a browser's assertion proves, user verification included: it
   * must answer a live challenge of these options (used up by this attempt,
   * whatever its outcome), come from one of WEBAUTHN_ORIGINS for
   * WEBAUTHN_RP_ID, be signed by a registered passkey, and move that
   * passkey's counter forward. The user is read before the signature is
   * checked, so that their security stamp is the one the passkey was checked
   * under (a passkey removed meanwhile moves it); active or not, the caller decides.
   */
  async verify(response: unknown, client: RequestClient): Promise<User> {
    this.failures.assertAllowed(client.ip);
    const parsed = asAuthenticationResponse(response);
    const challenge = parsed ? answeredChallenge(parsed) : null;
    if (!parsed || !challenge) throw this.refused(client, 'malformed');
    if (!(await this.challenges.take(challenge, 'authentication', null))) throw this.refused(client, 'challenge unknown, used or expired');
    const passkey = await this.passkeys.findByCredentialId(credentialIdBytes(parsed.id)!);
    if (!passkey) throw this.refused(client, 'unknown passkey');
    if (!this.isOwnersHandle(parsed, passkey)) throw this.refused(client, 'user handle of another account', passkey);
    const owner = await this.users.findById(passkey.userId);
    if (!owner) throw this.refused(client, 'owner deleted');
    let verification: VerifiedAuthenticationResponse;
    try {
      verification = await verifyAuthenticationResponse({
        response: parsed,
        expectedChallenge: challenge,
        expectedOrigin: this.config.origins,
        expectedRPID: this.config.rpId,
        // The counter is checked below, once the signature is: a forged response must not be able to record a clone.
        credential: { id: parsed.id, publicKey: new Uint8Array(passkey.publicKey), counter: 0 },
        requireUserVerification: true,
      });
    } catch (error) {
      throw this.refused(client, (error as Error).message, passkey);
    }
    if (!verification.verified) throw this.refused(client, 'signature not verified', passkey);
    await this.recordUse(passkey, verification.authenticationInfo.newCounter, client);
    return owner;
  }

  /** The user handle, when the authenticator returns one, must be the one the passkey was registered under. */
  private isOwnersHandle(response: AuthenticationResponseJSON, passkey: Passkey): boolean {
    const { userHandle } = response.response;
    return userHandle === undefined || Buffer.from(userHandle, 'base64url').equals(passkey.userHandle);
  }

  /**
   * A counter that does not move forward (WebAuthn §6.1.1) means two
   * authenticators hold the key, or a replay raced this one: refused, and
   * recorded for the user to see. Authenticators that keep no counter send 0 each time.
   */
  private async recordUse(passkey: Passkey, signCount: number, client: RequestClient): Promise<void> {
    const movesForward = signCount > passkey.signCount || (signCount === 0 && passkey.signCount === 0);
    if (movesForward && (await this.passkeys.recordUse(passkey.id, signCount, this.clock.now()))) return;
    this.events.record(
      'passkey.counter_mismatch',
      passkey.userId,
      { client },
      { passkeyId: passkey.id, signCount, stored: passkey.signCount },
    );
    throw this.refused(client, 'counter did not move forward', passkey);
  }

  private refused(client: RequestClient, reason: string, passkey?: Passkey): DomainError {
    this.failures.failed(client.ip);
    if (passkey) this.events.record('login.failed', passkey.userId, { client }, { method: 'passkey', reason });
    else this.logger.log({ event: 'login.failed', method: 'passkey', userId: null, reason });
    return new DomainError('INVALID_CREDENTIALS', 'The passkey could not sign you in');
  }
}
