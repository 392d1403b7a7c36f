import { Injectable, Logger } from '@nestjs/common';
import {
  AccessTokenRevoker,
  AttemptThrottleService,
  type AuthenticatedUser,
  LinkTokensService,
  PasswordHasher,
  SecurityEventLog,
  VerificationMailer,
} from '../auth/internal';
import type { RequestClient } from '../common/http/request-client.decorator';
import { DomainError } from '../common/errors/domain-error';
import { Clock } from '../common/time/clock';
import { assertPasswordIsNotPersonal } from '../common/validation/password-policy';
import { UnitOfWork } from '../database/unit-of-work';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';

/** Registration, and the proof that an account's address is its own: the links mailed there. */
@Injectable()
export class RegistrationService {
  private readonly logger = new Logger(RegistrationService.name);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: AttemptThrottleService,
    private readonly links: LinkTokensService,
    private readonly tokens: AccessTokenRevoker,
    private readonly verificationMailer: VerificationMailer,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: SecurityEventLog,
    private readonly clock: Clock,
  ) {}

  /**
   * The account, its verification link and the message that carries it land
   * together, or none does. Counted against the client, and its mail as any
   * verification mail (per user and per address, 3 an hour) in the same
   * transaction: registering and deleting an address again and again mails it
   * no more, and a registration refused as a duplicate counts nothing.
   */
  async register(email: string, password: string, client: RequestClient): Promise<User> {
    this.hasher.assertCapacity(client.ip);
    await this.throttle.countRegistration(client.ip);
    assertPasswordIsNotPersonal(password, [email]);
    const hashedPassword = await this.hasher.hash(password, client.ip);
    const user = await this.unitOfWork.run(async (transaction) => {
      const created = await this.users.create(email, hashedPassword, transaction);
      await this.verificationMailer.send(created.id, email, transaction);
      return created;
    });
    return user;
  }

  /**
   * Another verification link for the signed-in user's address: 3 an hour at
   * most per user and per address, the registration's included. Read and
   * written under the user's row lock, so that a deactivation or a change of
   * address that commits meanwhile (each deletes the user's links) never finds
   * a link written after it.
   */
  async resendVerification(caller: AuthenticatedUser): Promise<void> {
    await this.unitOfWork.run(async (transaction) => {
      const user = await this.users.findForUpdate(caller.id, transaction);
      // Deactivated (or deleted) since the guard let the request in: its session ended with it.
      if (!user?.isActive) throw new DomainError('INVALID_TOKEN');
      if (user.emailVerifiedAt !== null) throw new DomainError('EMAIL_ALREADY_VERIFIED');
      await this.verificationMailer.send(user.id, user.email, transaction);
    });
  }

  /** The link proves the address it was mailed to, while that is still the account's. */
  async confirmVerification(token: string, client: RequestClient): Promise<User> {
    const grant = await this.links.find(token, 'verify-email', client.ip);
    const user = await this.unitOfWork.run(async (transaction) => {
      const current = await this.links.consume(grant, await this.users.findForUpdate(grant.userId, transaction), transaction);
      if (current.emailVerifiedAt === null) {
        await this.users.update(current.id, { emailVerifiedAt: this.clock.now() }, transaction);
        await this.tokens.ownerChanged(current.id, transaction);
      }
      return this.users.getById(current.id, transaction);
    });
    this.tokens.forgetOwner(user.id);
    this.logger.log({ event: 'email.verified', userId: user.id });
    this.events.record('email.verified', user.id, { client });
    return user;
  }
}
