import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { mfaConfig, MfaConfig } from '../../config/app.config';
import { MfaSecretCipher } from './mfa-secret.cipher';
import { TotpFactorsRepository } from './totp-factors.repository';

/**
 * At start-up, finds the TOTP secrets no configured key can decrypt (a wrong
 * or forgotten MFA_ENCRYPTION_KEY, a rotation without the previous key). In
 * production the service refuses to start; elsewhere, where the key may be a
 * new random one, it says so in the log. Either way MFA stays on for those
 * users: their codes get 503 until the key is back, their recovery codes still work.
 */
@Injectable()
export class MfaKeysCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(MfaKeysCheck.name);

  constructor(
    private readonly factors: TotpFactorsRepository,
    private readonly cipher: MfaSecretCipher,
    @Inject(mfaConfig.KEY) private readonly config: MfaConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const known = new Set(this.cipher.keyIds);
    const unreadable = [...(await this.factors.countByKey())].filter(([keyId]) => !known.has(keyId));
    if (unreadable.length === 0) return;
    const secrets = unreadable.reduce((sum, [, count]) => sum + count, 0);
    const keyIds = unreadable.map(([keyId]) => keyId);
    const message =
      `${secrets} TOTP secret(s) are encrypted with key(s) ${keyIds.join(', ')}, which neither MFA_ENCRYPTION_KEY nor ` +
      'MFA_ENCRYPTION_KEYS_PREVIOUS holds: put the key that encrypted them back (as the current or a previous key)';
    if (this.config.unreadableSecretsStopStartup) throw new Error(message);
    this.logger.error({ event: 'mfa.keys_missing', secrets, keyIds, message });
  }
}
