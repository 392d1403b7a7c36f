import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import type { RequestClient } from '../../common/http/request-client.decorator';
import { UnitOfWork } from '../../database/unit-of-work';
import { UsersService } from '../../users/users.service';
import { SecurityEventLog } from '../security-events/security-event-log';
import { IdentitiesRepository } from './identities.repository';
import { Identity } from './identity.entity';
import { SignInMethods } from './sign-in-methods';

/** A user's identities at providers: listed, and unlinked while another way to sign in remains. */
@Injectable()
export class IdentitiesService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly users: UsersService,
    private readonly signInMethods: SignInMethods,
    private readonly events: SecurityEventLog,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  list(userId: number): Promise<Identity[]> {
    return this.identities.listOf(userId);
  }

  /** 404 for an id that is not the user's; 409 LAST_SIGN_IN_METHOD when it is the account's last way in. */
  async unlink(userId: number, id: number, client: RequestClient): Promise<void> {
    const provider = await this.unitOfWork.run(async (transaction) => {
      await this.users.lockById(userId, transaction);
      const identity = (await this.identities.listOf(userId, transaction)).find((owned) => owned.id === id);
      if (!identity) throw new DomainError('NOT_FOUND', 'No such identity');
      await this.signInMethods.assertOneRemains(userId, { identityId: id }, transaction);
      await this.identities.deleteOwned(userId, id, transaction);
      return identity.provider;
    });
    this.events.record('identity.unlinked', userId, { client }, { provider });
  }
}
