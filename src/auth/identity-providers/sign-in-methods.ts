import { Injectable } from '@nestjs/common';
import { Not } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import type { Transaction } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { Passkey } from '../passkeys/passkey.entity';
import { Identity } from './identity.entity';

/** A way to sign in about to be removed: a passkey or an identity, by id. */
export type RemovedSignInMethod = { passkeyId: number } | { identityId: number };

/**
 * The ways an account signs in: a password, passkeys, identities at
 * providers. An account must keep one: without it, only a password reset by
 * mail could open it again.
 */
@Injectable()
export class SignInMethods {
  constructor(private readonly users: UsersService) {}

  /** 409 LAST_SIGN_IN_METHOD unless the account keeps a way in without `removed`. Call it with the user's row locked. */
  async assertOneRemains(userId: number, removed: RemovedSignInMethod, transaction: Transaction): Promise<void> {
    if (await this.users.hasPassword(userId, transaction)) return;
    const passkeys = await transaction
      .getRepository(Passkey)
      .countBy({ userId, ...('passkeyId' in removed ? { id: Not(removed.passkeyId) } : {}) });
    const identities = await transaction
      .getRepository(Identity)
      .countBy({ userId, ...('identityId' in removed ? { id: Not(removed.identityId) } : {}) });
    if (passkeys + identities === 0) throw new DomainError('LAST_SIGN_IN_METHOD');
  }
}
